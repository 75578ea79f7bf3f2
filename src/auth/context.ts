export type Mode = 'test' | 'live';
export type Kind = 'integration' | 'sales_channel';
export type Role = 'admin' | 'read_only';

/** Who is calling, decoded from the bearer token once per request. */
export interface Caller {
  applicationId: string;
  kind: Kind;
  role: Role | null;
  mode: Mode;
  scope: string;
  /** Markets in the token's scope (sales channels), resolved at token time (docs/wire-format.md#scopes). */
  marketIds: string[];
  stockLocationIds: string[];
}

/** Everything a service or serializer may know about the request; no Fastify objects. */
export interface RequestContext {
  mode: Mode;
  caller: Caller;
  /** `https://host` used to build links. */
  baseUrl: string;
  /** For the stock ledger: which request moved stock. */
  requestId?: string;
}

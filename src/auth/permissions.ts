import { errors } from '../jsonapi/errors';
import type { Action, ResourceDefinition } from '../resources/define';
import type { Caller } from './context';

/**
 * The permissions of docs/wire-format.md#permissions: integration admins may do whatever the resource allows,
 * read_only integrations list and retrieve, sales channels only what the definition grants them.
 * Commerce Layer answers every denial with 401 UNAUTHORIZED, not 403.
 */
export function authorize(def: ResourceDefinition, action: Action, caller: Caller): void {
  if (caller.kind === 'integration') {
    if (caller.role === 'admin') return;
    if (action === 'list' || action === 'retrieve') return;
    throw errors.unauthorized();
  }
  // sales channels need a market in scope for any permission (docs/wire-format.md#permissions)
  if (!caller.marketIds.length || !def.access.sales_channel?.includes(action)) throw errors.unauthorized();
}

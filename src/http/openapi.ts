import type { FastifyInstance } from 'fastify';
import { PAGE_SIZE_MAX } from '../jsonapi/query';
import type { Attribute, ResourceDefinition } from '../resources/define';
import type { Registry } from '../resources/registry';
import { applicationResource } from './application';
import type { AppDeps } from './deps';
import { organizationResource } from './organization';

type Schema = Record<string, unknown>;

function attrSchema(a: Attribute): Schema {
  const s: Schema =
    a.type === 'datetime'
      ? { type: 'string', format: 'date-time' }
      : a.type === 'float'
        ? { type: 'number' }
        : a.type === 'array'
          ? { type: 'array', items: { type: 'string' } }
          : { type: a.type };
  if (a.enum) s.enum = [...a.enum];
  if (a.min !== undefined) s.minimum = a.min;
  if (a.max !== undefined) s.maximum = a.max;
  if (a.greaterThan !== undefined) s.exclusiveMinimum = a.greaterThan;
  if (a.default !== undefined) s.default = a.default;
  if (a.description) s.description = a.description;
  return s;
}

const ident = (type: string) => ({
  type: 'object',
  required: ['type', 'id'],
  properties: { type: { const: type }, id: { type: 'string' } },
});

/** Request body schema for create or update, from the C/U flags of the definition. */
function writeSchema(reg: Registry, def: ResourceDefinition, op: 'create' | 'update'): Schema {
  const props: Record<string, Schema> = {};
  const required: string[] = [];
  for (const [n, a] of Object.entries(def.attributes)) {
    if (!(op === 'create' ? a.create : a.update)) continue;
    props[n] = attrSchema(a);
    if (op === 'create' && a.required) required.push(n);
  }
  for (const [n, t] of Object.entries(def.triggers))
    if (t.on.includes(op)) props[n] = { type: 'boolean', description: t.description };
  const rels: Record<string, Schema> = {};
  for (const [n, r] of Object.entries(def.relationships)) {
    if (!(op === 'create' ? r.create : r.update) || !reg.target(r)) continue;
    rels[n] = {
      type: 'object',
      properties: { data: r.required ? ident(r.type) : { oneOf: [ident(r.type), { type: 'null' }] } },
    };
  }
  const data: Schema = {
    type: 'object',
    required: op === 'create' ? ['type'] : ['type', 'id'],
    properties: {
      type: { const: def.type },
      ...(op === 'update' ? { id: { type: 'string' } } : {}),
      attributes: {
        type: 'object',
        additionalProperties: false,
        properties: props,
        ...(required.length ? { required } : {}),
      },
      relationships: { type: 'object', additionalProperties: false, properties: rels },
    },
  };
  return { type: 'object', required: ['data'], properties: { data } };
}

function readSchema(def: ResourceDefinition): Schema {
  const attributes: Record<string, Schema> = {};
  for (const [n, a] of Object.entries(def.attributes)) if (a.fetch !== false) attributes[n] = attrSchema(a);
  const relationships: Record<string, Schema> = {};
  for (const [n, r] of Object.entries(def.relationships))
    relationships[n] = {
      $ref: '#/components/schemas/relationship',
      description: r.description ?? `${r.kind} ${r.type}`,
    };
  return {
    type: 'object',
    description: def.description,
    properties: {
      id: { type: 'string' },
      type: { const: def.type },
      links: { type: 'object', properties: { self: { type: 'string' } } },
      attributes: { type: 'object', properties: attributes },
      relationships: { type: 'object', properties: relationships },
      meta: { type: 'object', properties: { mode: { enum: ['test', 'live'] } } },
    },
  };
}

const listParams = (def: ResourceDefinition) => [
  { name: 'page[number]', in: 'query', schema: { type: 'integer', minimum: 1, default: 1 } },
  { name: 'page[size]', in: 'query', schema: { type: 'integer', minimum: 1, maximum: PAGE_SIZE_MAX, default: 10 } },
  {
    name: 'sort',
    in: 'query',
    description: `Comma list of ${Object.entries(def.attributes)
      .filter(([, a]) => a.sort)
      .map(([n]) => n)
      .join(', ')}; prefix - for descending.`,
    schema: { type: 'string' },
  },
  {
    name: 'filter[q]',
    in: 'query',
    style: 'deepObject',
    description: `Ransack predicates (name_eq, name_cont, …) on ${Object.entries(def.attributes)
      .filter(([, a]) => a.filter)
      .map(([n]) => n)
      .join(', ')} and relationship paths.`,
    schema: { type: 'object' },
  },
  ...Object.entries(def.listParams ?? {}).map(([name, o]) => ({ name, in: 'query', ...o })),
];
const readParams = (def: ResourceDefinition) => [
  {
    name: 'include',
    in: 'query',
    description: `Comma list of dotted relationship paths: ${Object.keys(def.relationships).join(', ')}.`,
    schema: { type: 'string' },
  },
  { name: `fields[${def.type}]`, in: 'query', schema: { type: 'string' } },
];

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
/** Beyond Commerce Layer (src/http/idempotency.ts): on every write. */
const idempotencyKey = { $ref: '#/components/parameters/idempotency_key' };
/** An errors document: JSON:API's media type on /api, plain JSON on /oauth (as Commerce Layer answers). */
const errorsResponse = (d: string, type = 'application/vnd.api+json') => ({
  description: d,
  content: { [type]: { schema: ref('errors') } },
});
const rateHeader = (description: string) => ({ description, schema: { type: 'integer' } });
/** 429: the limit's figures, and when to come back. */
const rateLimited = (type?: string) => ({
  ...errorsResponse('Rate limit exceeded', type),
  headers: {
    'Retry-After': rateHeader('Seconds until every exhausted limit admits a request again (at least 1)'),
    'X-Ratelimit-Limit': rateHeader('Requests the tightest limit allows per interval'),
    'X-Ratelimit-Interval': rateHeader("That limit's interval, in seconds"),
    'X-Ratelimit-Remaining': rateHeader('Requests left in it'),
  },
});
const body = (schema: Schema) => ({ required: true, content: { 'application/vnd.api+json': { schema } } });
const ok = (d: string, schema: Schema) => ({ description: d, content: { 'application/vnd.api+json': { schema } } });

const clientCredentials = {
  client_id: { type: 'string' },
  client_secret: { type: 'string', description: 'Integrations only.' },
};
const oauthBody = (required: string[], properties: Schema) => ({
  required: true,
  content: Object.fromEntries(
    ['application/json', 'application/x-www-form-urlencoded'].map((m) => [
      m,
      { schema: { type: 'object', required, properties } },
    ]),
  ),
});

/** OpenAPI 3.1, generated from the resource registry and the singletons (never a hand-kept copy). */
export function buildOpenApi(reg: Registry, singletons: ResourceDefinition[] = []): Schema {
  const paths: Record<string, Schema> = {};
  const schemas: Record<string, Schema> = {
    relationship: {
      type: 'object',
      properties: {
        links: { type: 'object', properties: { self: { type: 'string' }, related: { type: 'string' } } },
        data: {},
      },
    },
    errors: {
      type: 'object',
      properties: {
        errors: {
          type: 'array',
          items: {
            type: 'object',
            required: ['title', 'detail', 'code', 'status'],
            properties: {
              title: { type: 'string' },
              detail: { type: 'string' },
              code: { type: 'string' },
              status: { type: 'string' },
              source: { type: 'object' },
              meta: { type: 'object' },
            },
          },
        },
      },
    },
  };
  const common = {
    '401': errorsResponse('Missing, invalid or insufficient token'),
    '400': errorsResponse('Bad request'),
    '429': rateLimited(),
  };
  for (const def of reg.all()) {
    schemas[def.type] = readSchema(def);
    const single = { type: 'object', properties: { data: ref(def.type), included: { type: 'array' } } };
    const many = {
      type: 'object',
      properties: {
        data: { type: 'array', items: ref(def.type) },
        meta: { type: 'object', properties: { record_count: { type: 'integer' }, page_count: { type: 'integer' } } },
        links: { type: 'object' },
      },
    };
    const tag = [def.type];
    const coll: Schema = {};
    const item: Schema = {};
    if (def.actions.includes('list'))
      coll.get = {
        tags: tag,
        operationId: `list_${def.type}`,
        summary: `List all ${def.type}`,
        parameters: [...listParams(def), ...readParams(def)],
        responses: { '200': ok(`A page of ${def.type}`, many), ...common },
      };
    if (def.actions.includes('create')) {
      schemas[`${def.singular}_create`] = writeSchema(reg, def, 'create');
      coll.post = {
        tags: tag,
        operationId: `create_${def.singular}`,
        summary: `Create a ${def.singular}`,
        parameters: [...readParams(def), idempotencyKey],
        requestBody: body(ref(`${def.singular}_create`)),
        responses: { '201': ok('Created', single), '422': errorsResponse('Validation failed'), ...common },
      };
    }
    if (def.actions.includes('retrieve'))
      item.get = {
        tags: tag,
        operationId: `retrieve_${def.singular}`,
        summary: `Retrieve a ${def.singular}`,
        parameters: readParams(def),
        responses: { '200': ok('The resource', single), '404': errorsResponse('Not found'), ...common },
      };
    if (def.actions.includes('update')) {
      schemas[`${def.singular}_update`] = writeSchema(reg, def, 'update');
      item.patch = {
        tags: tag,
        operationId: `update_${def.singular}`,
        summary: `Update a ${def.singular}`,
        parameters: [...readParams(def), idempotencyKey],
        requestBody: body(ref(`${def.singular}_update`)),
        responses: {
          '200': ok('Updated', single),
          '404': errorsResponse('Not found'),
          '422': errorsResponse('Validation failed'),
          ...common,
        },
      };
    }
    if (def.actions.includes('delete'))
      item.delete = {
        tags: tag,
        operationId: `delete_${def.singular}`,
        summary: `Delete a ${def.singular}`,
        parameters: [idempotencyKey],
        responses: {
          '204': { description: 'Deleted' },
          '404': errorsResponse('Not found'),
          '423': errorsResponse('Other resources depend on it'),
          ...common,
        },
      };
    const idParam = [{ name: `${def.singular}Id`, in: 'path', required: true, schema: { type: 'string' } }];
    if (Object.keys(coll).length) paths[`/api/${def.type}`] = coll;
    if (Object.keys(item).length) paths[`/api/${def.type}/{${def.singular}Id}`] = { parameters: idParam, ...item };
    for (const [name, r] of Object.entries(def.relationships)) {
      paths[`/api/${def.type}/{${def.singular}Id}/${name}`] = {
        parameters: idParam,
        get: {
          tags: tag,
          operationId: `retrieve_${def.singular}_${name}`,
          summary: `The ${name} of a ${def.singular}`,
          parameters:
            r.kind === 'to_many' ? [...listParams(reg.target(r) ?? def), ...readParams(def)] : readParams(def),
          responses: { '200': ok(r.type, { type: 'object' }), ...common },
        },
      };
    }
  }
  for (const def of singletons) {
    schemas[def.type] = readSchema(def);
    paths[`/api/${def.singular}`] = {
      get: {
        tags: [def.type],
        operationId: `retrieve_${def.singular}`,
        summary: def.description,
        parameters: [{ name: `fields[${def.type}]`, in: 'query', schema: { type: 'string' } }],
        responses: {
          '200': ok(`The ${def.singular}`, { type: 'object', properties: { data: ref(def.type) } }),
          ...common,
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Allot — Commerce Layer–compatible inventory API',
      version: '0.1.0',
      description:
        'Inventory models, stock locations and fulfilment routing ' +
        'over the Commerce Layer Core API wire format (JSON:API).',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    paths: {
      '/oauth/token': {
        post: {
          tags: ['auth'],
          security: [],
          operationId: 'oauth_token',
          summary: 'Get an access token (client_credentials)',
          requestBody: oauthBody(['grant_type', 'client_id'], {
            grant_type: { const: 'client_credentials' },
            ...clientCredentials,
            scope: { type: 'string' },
          }),
          responses: {
            '200': { description: 'Token' },
            '400': errorsResponse(
              'A parameter is missing, or the scope is invalid or has more than 100 terms',
              'application/json',
            ),
            '401': { description: 'Invalid credentials' },
            '413': errorsResponse('The request body is over 16 KiB (refused before it is read)', 'application/json'),
            '429': rateLimited('application/json'),
          },
        },
      },
      '/oauth/revoke': {
        post: {
          tags: ['auth'],
          security: [],
          operationId: 'oauth_revoke',
          summary: 'Revoke an access token of this client (RFC 7009): it answers 401 INVALID_TOKEN from then on',
          requestBody: oauthBody(['token', 'client_id'], { token: { type: 'string' }, ...clientCredentials }),
          responses: {
            '200': { description: 'Revoked, or already invalid' },
            '400': { description: 'A token of another client, or no token' },
            '401': { description: 'Invalid credentials' },
          },
        },
      },
      ...paths,
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      parameters: {
        idempotency_key: {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description:
            'Any 1–255 visible ASCII characters, new for each new request. Sent again with the same ' +
            'request, it returns the first outcome (status and body, with `Idempotent-Replayed: ' +
            'true`) instead of applying the write twice; with another method, URL or body it is ' +
            'refused with 422 IDEMPOTENCY_KEY_REUSED. A retry that arrives while the first request ' +
            'runs waits for it. Kept 24 hours per application and mode; 5xx, 409 and 429 answers are ' +
            'not kept.',
          schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
        },
      },
      schemas,
    },
  };
}

export function registerOpenApi(app: FastifyInstance, deps: AppDeps): void {
  const doc = JSON.stringify(buildOpenApi(deps.reg, [applicationResource, organizationResource]));
  app.get('/openapi.json', async (_request, reply) => reply.type('application/json').send(doc));
}

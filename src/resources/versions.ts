import { versions } from '../db/schema/returns';
import { attr, defineResource } from './define';

const v = versions;

/** Read-only history of writes, also at `/api/{type}/{id}/versions` (docs/wire-format.md#versions). */
export const versionsResource = defineResource({
  type: 'versions',
  singular: 'version',
  description: 'A change to a resource: the event, the attributes before and after, and who made it.',
  table: v,
  actions: ['list', 'retrieve'],
  attributes: {
    resource_type: attr.string({ column: v.resource_type, filter: true, sort: true }),
    resource_id: attr.string({ column: v.resource_id, filter: true, sort: true }),
    event: attr.string({ column: v.event, filter: true, sort: true }),
    changes: attr.object({ column: v.changes }),
    who: attr.object({ column: v.who }),
  },
  relationships: {},
  versioned: false,
});

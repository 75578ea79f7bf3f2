import { exports, imports } from '../db/schema/jobs';
import { attr, defineResource } from './define';

const read = { filter: true, sort: true } as const;
const STATUS = ['pending', 'in_progress', 'interrupted', 'completed'] as const;

/**
 * Types an import may write (README, "Imports and exports"): each with the same rules as the API
 * (jobs/import-types.ts).
 */
export const IMPORT_TYPES = [
  'addresses',
  'inventory_models',
  'inventory_stock_locations',
  'shipping_categories',
  'skus',
  'stock_items',
  'stock_locations',
  'stock_transfers',
] as const;

/** Types an export may read (README, "Imports and exports"). */
export const EXPORT_TYPES = [
  'addresses',
  'inventory_models',
  'inventory_stock_locations',
  'orders',
  'line_items',
  'returns',
  'shipments',
  'shipping_categories',
  'skus',
  'stock_items',
  'stock_locations',
  'stock_transfers',
] as const;

/** Commerce Layer's limits: inputs per import, imports (or exports) at once, records per export. */
export const JOB_LIMITS = { maxInputs: 10_000, maxConcurrent: 10, maxRecords: 10_000, maxErrorRatio: 0.1 };

const common = (t: typeof imports | typeof exports) => ({
  resource_type: attr.string({ column: t.resource_type, create: true, required: true, ...read }),
  format: attr.string({ column: t.format, create: true, enum: ['json', 'csv'], nullable: false, ...read }),
  status: attr.string({ column: t.status, ...read }),
  started_at: attr.datetime({ column: t.started_at, ...read }),
  completed_at: attr.datetime({ column: t.completed_at, ...read }),
  interrupted_at: attr.datetime({ column: t.interrupted_at, ...read }),
  processed_count: attr.integer({ column: t.processed_count, ...read }),
  errors_log: attr.object({ column: t.errors_log }),
  attachment_url: attr.string({ description: 'A signed link to the gzip file, valid for 10 minutes.' }),
});

const i = imports;

/** inputs written in the background through the same rules as the API. */
export const importsResource = defineResource({
  type: 'imports',
  singular: 'import',
  description: 'Inputs of one resource type created or updated in the background.',
  table: i,
  actions: ['list', 'retrieve', 'create', 'update', 'delete'],
  attributes: {
    ...common(i),
    status: attr.string({
      column: i.status,
      enum: STATUS,
      description: "The import job status: 'pending', 'in_progress', 'interrupted' or 'completed'.",
      ...read,
    }),
    parent_resource_id: attr.string({ column: i.parent_resource_id, create: true, ...read }),
    inputs: attr.object({
      create: true,
      fetch: false,
      description: `Array of objects (json), or one string with a header row (csv); at most ${JOB_LIMITS.maxInputs}.`,
    }),
    skip_errors: attr.boolean({ column: i.skip_errors, create: true, nullable: false }),
    inputs_size: attr.integer({ column: i.inputs_size, ...read }),
    errors_count: attr.integer({ column: i.errors_count, ...read }),
    warnings_count: attr.integer({ column: i.warnings_count, ...read }),
    warnings_log: attr.object({ column: i.warnings_log }),
  },
  triggers: {
    _interrupt: { on: ['update'], description: "Mark the import 'interrupted': no further input is applied." },
  },
  relationships: {},
  versioned: false,
});

const e = exports;

/** records of one type written to a gzip file from one snapshot. */
export const exportsResource = defineResource({
  type: 'exports',
  singular: 'export',
  description: 'Records of one resource type written to a file in the background, from one snapshot.',
  table: e,
  actions: ['list', 'retrieve', 'create', 'update', 'delete'],
  attributes: {
    ...common(e),
    status: attr.string({ column: e.status, enum: [...STATUS, 'failed'], ...read }),
    includes: attr.object({ column: e.includes, create: true, description: 'Relationships to include (array).' }),
    fields: attr.object({ column: e.fields, create: true, description: 'Fields to export (array).' }),
    filters: attr.object({ column: e.filters, create: true, description: 'Ransack predicates, as in filter[q].' }),
    dry_data: attr.boolean({ column: e.dry_data, create: true, nullable: false }),
    records_count: attr.integer({ column: e.records_count, ...read }),
    progress: attr.float({ column: e.progress, ...read }),
    estimated_completion_at: attr.datetime({ column: e.estimated_completion_at, ...read }),
  },
  triggers: { _interrupt: { on: ['update'], description: "Mark the export 'interrupted'." } },
  relationships: {},
  versioned: false,
});

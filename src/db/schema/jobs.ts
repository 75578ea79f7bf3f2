import { sql } from 'drizzle-orm';
import { boolean, check, customType, doublePrecision, index, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { baseColumns, modeColumn, ts } from './common';

const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });

/** The columns an import and an export share: a background job's state as Commerce Layer shows it. */
const jobColumns = () => ({
  resource_type: text('resource_type').notNull(),
  format: text('format').notNull().default('json'),
  status: text('status').notNull().default('pending'),
  started_at: ts('started_at'),
  completed_at: ts('completed_at'),
  interrupted_at: ts('interrupted_at'),
  processed_count: integer('processed_count').notNull().default(0),
  errors_log: jsonb('errors_log').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
  /** Who created it (application id, kind, role): the job writes as that caller. Never shown. */
  created_by: jsonb('created_by').$type<Record<string, unknown>>().notNull(),
});

/** a batch of inputs written in the background (inputs: `job_attachments`, same id). */
export const imports = pgTable(
  'imports',
  {
    ...baseColumns(),
    ...jobColumns(),
    parent_resource_id: text('parent_resource_id'),
    skip_errors: boolean('skip_errors').notNull().default(false),
    inputs_size: integer('inputs_size').notNull(),
    errors_count: integer('errors_count').notNull().default(0),
    warnings_count: integer('warnings_count').notNull().default(0),
    warnings_log: jsonb('warnings_log').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    /** Inputs applied or logged so far, in order: a resumed job starts here (committed with each batch). */
    cursor: integer('cursor').notNull().default(0),
  },
  (t) => [
    check('imports_status_check', sql`${t.status} in ('pending', 'in_progress', 'interrupted', 'completed')`),
    check('imports_format_check', sql`${t.format} in ('json', 'csv')`),
    index('imports_mode_created_idx').on(t.mode, t.created_at, t.id),
    index('imports_status_idx').on(t.status),
  ],
);

/** records written to a file in the background, from one snapshot. */
export const exports = pgTable(
  'exports',
  {
    ...baseColumns(),
    ...jobColumns(),
    includes: jsonb('includes').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    fields: jsonb('fields').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    filters: jsonb('filters').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    dry_data: boolean('dry_data').notNull().default(false),
    records_count: integer('records_count').notNull(),
    progress: doublePrecision('progress').notNull().default(0),
    estimated_completion_at: ts('estimated_completion_at'),
  },
  (t) => [
    check('exports_status_check', sql`${t.status} in ('pending', 'in_progress', 'interrupted', 'completed', 'failed')`),
    check('exports_format_check', sql`${t.format} in ('json', 'csv')`),
    index('exports_mode_created_idx').on(t.mode, t.created_at, t.id),
  ],
);

/**
 * The queue: one row per import or export still to run. A worker claims one with
 * `FOR UPDATE SKIP LOCKED` and keeps that lock in an open transaction while it runs the job; when
 * its process dies the lock goes with the connection and another worker takes the job up.
 */
export const jobs = pgTable('jobs', {
  id: text('id').primaryKey(),
  kind: text('kind').notNull(),
  mode: modeColumn(),
  created_at: ts('created_at').notNull().defaultNow(),
});

/**
 * Gzip files served by signed links: an import's inputs, an export's output. Same id as the job;
 * `secret` signs its links (services/attachments.ts), so a link names one file and expires.
 */
export const jobAttachments = pgTable('job_attachments', {
  id: text('id').primaryKey(),
  mode: modeColumn(),
  content: bytea('content').notNull(),
  secret: text('secret').notNull(),
  created_at: ts('created_at').notNull().defaultNow(),
});

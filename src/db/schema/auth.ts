import { sql } from 'drizzle-orm';
import { check, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { modeColumn, ts } from './common';

/** API credentials (docs/resources.md#applications). Secrets are stored as scrypt hashes, never in clear. */
export const applications = pgTable(
  'applications',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    kind: text('kind').notNull(),
    role: text('role'),
    mode: modeColumn(),
    client_id: text('client_id').notNull().unique(),
    client_secret_hash: text('client_secret_hash'),
    scope: text('scope'),
    created_at: ts('created_at').notNull().defaultNow(),
    updated_at: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    check('applications_kind_check', sql`${t.kind} in ('integration', 'sales_channel')`),
    check('applications_mode_check', sql`${t.mode} in ('test', 'live')`),
    // `\` at a line end adds nothing to the SQL: drizzle-kit compares this text, newlines included, with its snapshot
    check(
      'applications_role_check',
      sql`(${t.kind} = 'integration' and ${t.role} in ('admin', 'read_only')) \
or (${t.kind} = 'sales_channel' and ${t.role} is null)`,
    ),
    check('applications_secret_check', sql`${t.kind} = 'sales_channel' or ${t.client_secret_hash} is not null`),
  ],
);

/** Process-wide settings that must be shared by every server on one database (signing key, organization). */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  created_at: ts('created_at').notNull().defaultNow(),
});

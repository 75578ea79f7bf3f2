import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { skus } from './catalog';
import { baseColumns, ts } from './common';
import { markets } from './markets';

/** The topics a webhook may listen to, one row per (mode, topic): Commerce Layer's `events`. */
export const events = pgTable('events', { ...baseColumns(), name: text('name').notNull() }, (t) => [
  uniqueIndex('events_mode_name_key').on(t.mode, t.name),
  index('events_mode_created_idx').on(t.mode, t.created_at, t.id),
]);

/** docs/webhooks.md: where and what to POST when a topic's event happens; a circuit breaker per webhook. */
export const webhooks = pgTable(
  'webhooks',
  {
    ...baseColumns(),
    name: text('name'),
    topic: text('topic').notNull(),
    event_id: text('event_id')
      .notNull()
      .references(() => events.id, { onDelete: 'restrict' }),
    callback_url: text('callback_url').notNull(),
    include_resources: jsonb('include_resources').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    shared_secret: text('shared_secret').notNull(),
    disabled_at: ts('disabled_at'),
    circuit_state: text('circuit_state').notNull().default('closed'),
    circuit_failure_count: integer('circuit_failure_count').notNull().default(0),
  },
  (t) => [
    check('webhooks_circuit_state_check', sql`${t.circuit_state} in ('closed', 'open')`),
    // the outbox's lookup on every recorded event: who listens to this topic in this mode
    index('webhooks_listening_idx').on(t.mode, t.topic).where(sql`${t.disabled_at} is null`),
    index('webhooks_event_idx').on(t.event_id),
    index('webhooks_mode_created_idx').on(t.mode, t.created_at, t.id),
  ],
);

/**
 * The outbox and the delivery queue in one: a row per (event, listening webhook), written in the
 * transaction of the change (migration 0015's triggers), taken by any process with FOR UPDATE SKIP
 * LOCKED. `snapshot` is the resource's row as of the event; `payload` is frozen at the first try.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    mode: text('mode').notNull(),
    webhook_id: text('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    topic: text('topic').notNull(),
    resource_type: text('resource_type').notNull(),
    resource_id: text('resource_id').notNull(),
    /** The resource's row as of the event (null for `skus.*`: the payload is rendered at the first try). */
    snapshot: jsonb('snapshot'),
    /** `skus.*`: the market whose availability changed; the payload's `sku.inventory` is that market's. */
    market_id: text('market_id'),
    payload: text('payload'),
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    next_attempt_at: ts('next_attempt_at').notNull().defaultNow(),
    created_at: ts('created_at').notNull().defaultNow(),
    updated_at: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    check('webhook_deliveries_status_check', sql`${t.status} in ('pending', 'delivered', 'failed')`),
    index('webhook_deliveries_due_idx').on(t.next_attempt_at, t.id).where(sql`${t.status} = 'pending'`),
    // per-resource order: nothing of a resource goes to a URL while an earlier one to that URL is pending
    index('webhook_deliveries_resource_idx')
      .on(t.resource_type, t.resource_id, t.id)
      .where(sql`${t.status} = 'pending'`),
    index('webhook_deliveries_topic_idx').on(t.mode, t.topic, t.id),
    // a webhook's newest delivery (`_trigger`, kept by retention) and what retention may prune
    index('webhook_deliveries_webhook_idx').on(t.webhook_id, t.id),
    index('webhook_deliveries_finished_idx').on(t.updated_at, t.id).where(sql`${t.status} <> 'pending'`),
  ],
);

/** One row per try of a delivery (Commerce Layer's `event_callbacks`). */
export const eventCallbacks = pgTable(
  'event_callbacks',
  {
    ...baseColumns(),
    webhook_id: text('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    event_id: text('event_id')
      .notNull()
      .references(() => events.id, { onDelete: 'cascade' }),
    delivery_id: bigint('delivery_id', { mode: 'number' }).notNull(),
    callback_url: text('callback_url').notNull(),
    payload: jsonb('payload'),
    response_code: text('response_code'),
    response_message: text('response_message'),
  },
  (t) => [
    index('event_callbacks_webhook_idx').on(t.webhook_id, t.created_at),
    index('event_callbacks_event_idx').on(t.event_id, t.created_at),
    index('event_callbacks_mode_created_idx').on(t.mode, t.created_at, t.id),
  ],
);

/** Back in stock (docs/webhooks.md): tell a customer when a SKU is back in stock in a market. */
export const inStockSubscriptions = pgTable(
  'in_stock_subscriptions',
  {
    ...baseColumns(),
    status: text('status').notNull().default('active'),
    customer_email: text('customer_email').notNull(),
    sku_code: text('sku_code').notNull(),
    sku_id: text('sku_id')
      .notNull()
      .references(() => skus.id, { onDelete: 'cascade' }),
    market_id: text('market_id')
      .notNull()
      .references(() => markets.id, { onDelete: 'cascade' }),
    stock_threshold: integer('stock_threshold').notNull().default(1),
  },
  (t) => [
    check('in_stock_subscriptions_status_check', sql`${t.status} in ('active', 'inactive', 'notified')`),
    check('in_stock_subscriptions_threshold_check', sql`${t.stock_threshold} >= 1`),
    index('in_stock_subscriptions_watch_idx').on(t.sku_id, t.market_id).where(sql`${t.status} = 'active'`),
    index('in_stock_subscriptions_market_idx').on(t.market_id),
    index('in_stock_subscriptions_mode_created_idx').on(t.mode, t.created_at, t.id),
  ],
);

/**
 * The last availability the stock watcher saw per (SKU, market): it fires on a change of `available`,
 * and writes a row only then (`updated_at`: when it last crossed, or was first recorded).
 */
export const skuMarketStock = pgTable(
  'sku_market_stock',
  {
    sku_id: text('sku_id')
      .notNull()
      .references(() => skus.id, { onDelete: 'cascade' }),
    market_id: text('market_id')
      .notNull()
      .references(() => markets.id, { onDelete: 'cascade' }),
    mode: text('mode').notNull(),
    available: boolean('available').notNull(),
    updated_at: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('sku_market_stock_key').on(t.sku_id, t.market_id),
    index('sku_market_stock_market_idx').on(t.market_id),
  ],
);

/**
 * The stock watcher's watermark: every ledger row of a transaction whose id is below `next_xid`
 * has been read (null: not started; the first run records the present without firing), and the
 * `market_config_version` whose new (SKU, market) pairs have been recorded.
 */
export const stockWatch = pgTable('stock_watch', {
  id: integer('id').primaryKey(),
  next_xid: bigint('next_xid', { mode: 'number' }),
  config_version: bigint('config_version', { mode: 'number' }),
  /** During a sweep (events/stock-watch.ts), the last SKU id it recorded ('' at its start); null otherwise. */
  sweep_after: text('sweep_after'),
});

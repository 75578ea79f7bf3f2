import { sql } from 'drizzle-orm';
import { inStockSubscriptions } from '../db/schema/webhooks';
import { attr, defineResource, rel } from './define';
import { scopeMarkets } from './scopes';

const s = inStockSubscriptions;
const read = { filter: true, sort: true } as const;

/**
 * back in stock (docs/webhooks.md): when the SKU's availability in the market (sku.inventory.quantity for a
 * token of that market) reaches stock_threshold, an active subscription becomes notified and fires
 * `in_stock_subscriptions.notify` once (src/events/stock-watch.ts).
 */
export const inStockSubscriptionsResource = defineResource({
  type: 'in_stock_subscriptions',
  singular: 'in_stock_subscription',
  description: "A customer's request to hear when a SKU is back in stock in a market.",
  table: s,
  attributes: {
    status: attr.string({ column: s.status, ...read, description: 'active (default), inactive or notified.' }),
    customer_email: attr.string({ column: s.customer_email, create: true, ...read, required: true }),
    sku_code: attr.string({ column: s.sku_code, create: true, update: true, ...read }),
    stock_threshold: attr.integer({
      column: s.stock_threshold,
      create: true,
      update: true,
      ...read,
      nullable: false,
      default: 1,
      min: 1,
      description: 'The availability at which to notify.',
    }),
  },
  triggers: {
    _activate: { on: ['update'], description: 'Activate an inactive (or notified) subscription.' },
    _deactivate: { on: ['update'], description: 'Deactivate an active subscription.' },
  },
  relationships: {
    market: rel.toOne('markets', 'market_id', { create: true, update: true, required: true }),
    sku: rel.toOne('skus', 'sku_id', { create: true, update: true, required: true, requiredUnless: 'sku_code' }),
  },
  access: { sales_channel: ['create', 'retrieve'] },
  scope: (p) => sql`${s.market_id} in (${scopeMarkets(p)})`,
});

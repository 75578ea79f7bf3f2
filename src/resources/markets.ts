import { sql } from 'drizzle-orm';
import { deliveryLeadTimes, markets, shippingMethods } from '../db/schema/markets';
import { violation } from '../jsonapi/violations';
import { centsToFloat, formatCents } from '../lib/money';
import type { ScopeParams } from '../rows/scope';
import { attr, defineResource, rel, type TriggerSpec } from './define';
import { scopeMarkets } from './scopes';

const cufs = { create: true, update: true, filter: true, sort: true } as const;
const cu = { create: true, update: true } as const;

/** `_disable` / `_enable`: set or clear `disabled_at` (markets, shipping methods). */
const toggles: Record<string, TriggerSpec> = {
  _disable: { on: ['create', 'update'], description: 'Send this attribute to disable the resource.' },
  _enable: { on: ['create', 'update'], description: 'Send this attribute to enable a disabled resource.' },
};

const m = markets;

/** The inventory part of a market: it sells what its inventory model's locations hold. */
export const marketsResource = defineResource({
  type: 'markets',
  singular: 'market',
  description:
    'A market: where an inventory model decides what can be sold. ' +
    'Price lists, merchants and the other Commerce Layer relationships Allot does not implement are absent.',
  table: m,
  attributes: {
    number: attr.integer({
      column: m.number,
      filter: true,
      sort: true,
      description: 'Unique identifier for the market (numeric).',
    }),
    name: attr.string({ column: m.name, ...cufs, required: true }),
    code: attr.string({
      column: m.code,
      ...cufs,
      description: 'Used in market:code: scopes; unique within the environment.',
    }),
    facebook_pixel_id: attr.string({ column: m.facebook_pixel_id, ...cu }),
    checkout_url: attr.string({ column: m.checkout_url, ...cu }),
    external_prices_url: attr.string({ column: m.external_prices_url, ...cu }),
    external_order_validation_url: attr.string({ column: m.external_order_validation_url, ...cu }),
    private: attr.boolean({ read: () => false, description: 'Private markets need a customer group; Allot has none.' }),
    shipping_cost_cutoff: attr.integer({ column: m.shipping_cost_cutoff, ...cu, min: 0 }),
    disabled_at: attr.datetime({ column: m.disabled_at, filter: true, sort: true }),
    shared_secret: attr.string({ column: m.shared_secret, hiddenFromSalesChannels: true }),
  },
  triggers: toggles,
  relationships: {
    inventory_model: rel.toOne('inventory_models', 'inventory_model_id', {
      create: true,
      update: true,
      required: true,
    }),
  },
  uniques: { markets_mode_code_key: 'code' },
  lockedMessage: 'The market cannot be deleted while shipping methods or orders use it.',
  access: { sales_channel: ['retrieve'] },
  scope: (p) => sql`${m.id} in (${scopeMarkets(p)})`,
});

const s = shippingMethods;
/** Enabled, and for no market or an enabled market of the token; nothing once the token's market is disabled. */
const usable = (p: ScopeParams) =>
  sql`${s.disabled_at} is null and exists (${scopeMarkets(p)}) and (${s.market_id} is null
    or ${s.market_id} in (${scopeMarkets(p)}))`;

/** Only what availability and shipments need of a shipping method. */
export const shippingMethodsResource = defineResource({
  type: 'shipping_methods',
  singular: 'shipping_method',
  description: 'A way to ship; its price sorts the delivery lead times of availability levels.',
  table: s,
  attributes: {
    name: attr.string({ column: s.name, ...cufs, required: true }),
    scheme: attr.string({
      column: s.scheme,
      ...cufs,
      enum: ['flat', 'weight_tiered', 'external'],
      nullable: false,
      default: 'flat',
    }),
    currency_code: attr.string({
      column: s.currency_code,
      ...cufs,
      required: true,
      description: 'ISO 4217 currency code.',
    }),
    external_prices_url: attr.string({ column: s.external_prices_url, ...cu }),
    price_amount_cents: attr.integer({ column: s.price_amount_cents, ...cufs, required: true, min: 0 }),
    price_amount_float: attr.float({ read: (r) => centsToFloat(r.price_amount_cents) }),
    formatted_price_amount: attr.string({ read: (r) => formatCents(r.price_amount_cents, r.currency_code) }),
    free_over_amount_cents: attr.integer({ column: s.free_over_amount_cents, ...cufs, min: 0 }),
    free_over_amount_float: attr.float({ read: (r) => centsToFloat(r.free_over_amount_cents) }),
    formatted_free_over_amount: attr.string({ read: (r) => formatCents(r.free_over_amount_cents, r.currency_code) }),
    use_subtotal: attr.boolean({ column: s.use_subtotal, ...cu, nullable: false, default: false }),
    min_weight: attr.float({ column: s.min_weight, ...cu, min: 0 }),
    max_weight: attr.float({ column: s.max_weight, ...cu, min: 0 }),
    unit_of_weight: attr.string({ column: s.unit_of_weight, ...cu, enum: ['gr', 'oz', 'lb'] }),
    tax_code: attr.string({ column: s.tax_code, ...cu }),
    disabled_at: attr.datetime({ column: s.disabled_at, filter: true, sort: true }),
    shared_secret: attr.string({ column: s.shared_secret, hiddenFromSalesChannels: true }),
  },
  triggers: toggles,
  relationships: {
    market: rel.toOne('markets', 'market_id', { create: true, update: true }),
    shipping_category: rel.toOne('shipping_categories', 'shipping_category_id', { create: true, update: true }),
    stock_location: rel.toOne('stock_locations', 'stock_location_id', { create: true, update: true }),
  },
  validate: (r) => {
    if (typeof r.currency_code === 'string' && !/^[A-Z]{3}$/.test(r.currency_code))
      return [violation.invalid('currency_code', r.currency_code)];
    return [];
  },
  access: { sales_channel: ['retrieve'] },
  scope: usable,
});

const d = deliveryLeadTimes;

/** Hours per (stock location, shipping method); days derived as round(hours / 24). */
export const deliveryLeadTimesResource = defineResource({
  type: 'delivery_lead_times',
  singular: 'delivery_lead_time',
  description: 'How long a shipping method takes from a stock location.',
  table: d,
  attributes: {
    min_hours: attr.integer({ column: d.min_hours, ...cufs, required: true, min: 0 }),
    max_hours: attr.integer({ column: d.max_hours, ...cufs, required: true, min: 0 }),
    min_days: attr.integer({ read: (r) => Math.round(r.min_hours / 24) }),
    max_days: attr.integer({ read: (r) => Math.round(r.max_hours / 24) }),
  },
  relationships: {
    stock_location: rel.toOne('stock_locations', 'stock_location_id', { create: true, update: true, required: true }),
    shipping_method: rel.toOne('shipping_methods', 'shipping_method_id', {
      create: true,
      update: true,
      required: true,
    }),
  },
  validate: (r) => (r.max_hours < r.min_hours ? [violation.atLeast('max_hours', r.min_hours, r.max_hours)] : []),
  access: { sales_channel: ['list', 'retrieve'] },
  scope: (p) => sql`exists (select 1 from ${s} where ${s.id} = ${d.shipping_method_id} and ${usable(p)})`,
});

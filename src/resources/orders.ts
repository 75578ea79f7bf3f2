import { sql } from 'drizzle-orm';
import { lineItems, orders } from '../db/schema/orders';
import { attr, defineResource, rel } from './define';
import { scopeMarkets } from './scopes';

const o = orders;
const read = { filter: true, sort: true } as const;
/** Kept as sent: Allot has no customers, prices, promotions or payments to act on them with. */
const kept = (column: (typeof o)[keyof typeof o], description: string) =>
  attr.string({ column: column as never, create: true, update: true, filter: true, description });

/** Sales channels see their market's orders while draft, pending or placed. */
const orderScope = (p: Parameters<typeof scopeMarkets>[0]) =>
  sql`${o.market_id} in (${scopeMarkets(p)}) and ${o.status} in ('draft', 'pending', 'placed')`;

/** The inventory part of an order: placing allocates, approving decrements, cancelling releases. */
export const ordersResource = defineResource({
  type: 'orders',
  singular: 'order',
  description:
    "An order: its line items are allocated to stock locations by the market's inventory model when it is placed.",
  table: o,
  attributes: {
    number: attr.integer({ column: o.number, ...read }),
    status: attr.string({ column: o.status, ...read, description: 'draft, pending, placed, approved or cancelled.' }),
    payment_status: attr.string({ column: o.payment_status, ...read }),
    fulfillment_status: attr.string({ column: o.fulfillment_status, ...read }),
    customer_email: kept(o.customer_email, "The customer's email address."),
    language_code: kept(o.language_code, 'The preferred language code (ISO 639-1).'),
    coupon_code: kept(
      o.coupon_code,
      'The coupon code the shopper entered; kept, not applied: Allot has no promotions.',
    ),
    gift_card_code: kept(
      o.gift_card_code,
      'The gift card code the shopper entered; kept, not applied: Allot has no gift cards or payments.',
    ),
    cart_url: kept(o.cart_url, "The URL of the cart the order was built in, for the storefront's links."),
    return_url: kept(o.return_url, 'The URL the checkout returns to, for the storefront.'),
    terms_url: kept(o.terms_url, 'The URL of the terms of service, for the storefront.'),
    privacy_url: kept(o.privacy_url, 'The URL of the privacy policy, for the storefront.'),
    placed_at: attr.datetime({ column: o.placed_at, ...read }),
    approved_at: attr.datetime({ column: o.approved_at, ...read }),
    cancelled_at: attr.datetime({ column: o.cancelled_at, ...read }),
  },
  triggers: {
    _place: {
      on: ['update'],
      touchesRow: true,
      description: 'Place the order: allocate stock, build shipments, hold the stock.',
    },
    _approve: {
      on: ['update'],
      prohibited: true,
      touchesRow: true,
      description: 'Approve the placed order: decrement stock (unless decremented manually).',
    },
    _cancel: {
      on: ['update'],
      touchesRow: true,
      description: 'Cancel the order: release every hold; restock what approval decremented.',
    },
  },
  relationships: {
    market: rel.toOne('markets', 'market_id', {
      create: true,
      required: true,
      fromScope: 'market',
      description: "The order's market; a sales channel whose token scopes exactly one market may leave it out.",
    }),
    shipping_address: rel.toOne('addresses', 'shipping_address_id', { create: true, update: true }),
    billing_address: rel.toOne('addresses', 'billing_address_id', { create: true, update: true }),
    line_items: rel.toMany('line_items', 'order_id'),
    shipments: rel.toMany('shipments', 'order_id'),
    stock_line_items: rel.toMany('stock_line_items', 'order_id'),
    stock_reservations: rel.toMany('stock_reservations', 'order_id'),
    stock_transfers: rel.toMany('stock_transfers', 'order_id'),
  },
  access: { sales_channel: ['create', 'retrieve', 'update'] },
  scope: orderScope,
});

const l = lineItems;

/** A SKU and a quantity in an order, checked against the market's availability. */
export const lineItemsResource = defineResource({
  type: 'line_items',
  singular: 'line_item',
  description: 'A SKU and a quantity in an order.',
  table: l,
  attributes: {
    sku_code: attr.string({ column: l.sku_code, create: true, update: true, filter: true }),
    item_type: attr.string({
      column: l.item_type,
      create: true,
      filter: true,
      enum: ['skus'],
      description: 'skus: the only kind of item Allot sells (no bundles, gift cards or promotions).',
    }),
    name: attr.string({
      column: l.name,
      create: true,
      update: true,
      filter: true,
      description: "The line's name; the SKU's when left out.",
    }),
    image_url: attr.string({
      column: l.image_url,
      create: true,
      update: true,
      description: "The line's image; the SKU's when left out.",
    }),
    quantity: attr.integer({
      column: l.quantity,
      create: true,
      update: true,
      filter: true,
      sort: true,
      required: true,
      min: 1,
    }),
  },
  triggers: {
    _reserve_stock: {
      on: ['create', 'update'],
      prohibited: true,
      description:
        "Hold the line's stock as draft reservations that expire after the model's stock_reservation_cutoff.",
    },
  },
  relationships: {
    order: rel.toOne('orders', 'order_id', { create: true, required: true }),
    sku: rel.toOne('skus', 'sku_id', { create: true, update: true, required: true, requiredUnless: 'sku_code' }),
    stock_reservations: rel.toMany('stock_reservations', 'line_item_id'),
    stock_line_items: rel.toMany('stock_line_items', 'line_item_id'),
  },
  access: { sales_channel: ['create', 'retrieve', 'update', 'delete'] },
  scope: (p) => sql`exists (select 1 from ${o} where ${o.id} = ${l.order_id} and ${orderScope(p)})`,
});

import { eq, sql } from 'drizzle-orm';
import { skus } from '../db/schema/catalog';
import type { Tx } from '../db/tx';
import { errors } from '../jsonapi/errors';
import { relationship, violation } from '../jsonapi/violations';
import { countedPlacement } from '../ops/metrics';
import type { Behaviour } from '../resources/bind';
import type { Row } from '../rows/row';
import { checkLineQuantity, orderOf, requireEditable, reserveLine } from '../services/line-items';
import { approveOrder, cancelOrder, placeOrder } from '../services/orders';
import { release } from '../services/stock';
import { skuIdByCode } from './sku-code';

/** Placing allocates, approving decrements, cancelling releases (services/orders.ts). */
export const orders: Behaviour = {
  triggers: {
    _place: ({ tx, ctx, row }) => countedPlacement(placeOrder(tx, ctx, row), row.status === 'placed'),
    _approve: ({ tx, ctx, row }) => approveOrder(tx, ctx, row),
    _cancel: ({ tx, ctx, row }) => cancelOrder(tx, ctx, row),
  },
  hooks: {
    beforeWrite: async ({ ctx, existing }) => {
      if (existing && ctx.caller.kind === 'sales_channel' && !['draft', 'pending'].includes(existing.status))
        throw errors.unauthorized();
    },
    beforeDelete: async ({ tx, ctx, row }) => {
      if (!['draft', 'pending'].includes(row.status)) throw errors.locked(`A ${row.status} order cannot be deleted.`);
      await release(tx, ctx.mode, { orderId: row.id });
    },
  },
};

/** The line's SKU, from `sku_code` or the `sku` relationship; its code, name and image are copied onto the line. */
async function skuFor(
  tx: Tx,
  mode: string,
  values: Row,
  attributes: Record<string, unknown>,
  existing?: Row,
): Promise<Row> {
  if (typeof attributes.sku_code === 'string') values.sku_id = await skuIdByCode(tx, mode, attributes.sku_code);
  const id = values.sku_id ?? existing?.sku_id;
  if (!id) throw errors.validation([violation.blank(relationship('sku'))]);
  const [s] = await tx.select().from(skus).where(eq(skus.id, id)).limit(1);
  values.sku_code = s!.code;
  // the SKU's name and image, unless the client named the line itself
  if (!existing || values.sku_id) {
    if (attributes.name === undefined) values.name = s!.name;
    if (attributes.image_url === undefined) values.image_url = s!.image_url;
  }
  return s as Row;
}

/** A line is checked against the market's availability; its draft holds follow its quantity and SKU. */
export const lineItems: Behaviour = {
  triggers: {
    _reserve_stock: async ({ tx, ctx, row }) => {
      const [s] = await tx.select().from(skus).where(eq(skus.id, row.sku_id));
      await reserveLine(tx, ctx, row, await orderOf(tx, row.order_id), s as Row);
    },
  },
  hooks: {
    beforeWrite: async ({ tx, ctx, values, attributes, existing }) => {
      const order = await orderOf(tx, values.order_id ?? existing!.order_id);
      requireEditable(order);
      const sku = await skuFor(tx, ctx.mode, values, attributes, existing);
      await checkLineQuantity(tx, ctx, {
        order,
        sku,
        lineItemId: existing?.id,
        quantity: (values.quantity ?? existing?.quantity) as number,
      });
    },
    afterWrite: async ({ tx, ctx, row, existing }) => {
      // holds follow the line: a changed quantity or SKU rebuilds its draft reservations
      if (!existing || (existing.quantity === row.quantity && existing.sku_id === row.sku_id)) return;
      const [held] = await tx.execute(
        sql`select count(*)::int as n from stock_reservations where line_item_id = ${row.id} and status = 'draft'`,
      );
      if (!(held as { n: number }).n) return;
      const [s] = await tx.select().from(skus).where(eq(skus.id, row.sku_id));
      await reserveLine(tx, ctx, row, await orderOf(tx, row.order_id), s as Row);
    },
    beforeDelete: async ({ tx, ctx, row }) => {
      requireEditable(await orderOf(tx, row.order_id));
      await release(tx, ctx.mode, { lineItemId: row.id });
    },
  },
};

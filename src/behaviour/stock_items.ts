import { skus } from '../db/schema/catalog';
import { errors } from '../jsonapi/errors';
import { violation } from '../jsonapi/violations';
import { newId } from '../lib/ids';
import type { Behaviour } from '../resources/bind';
import { anyOf } from '../rows/scope';
import { activeReserved } from '../services/stock';
import { countReason } from '../services/stock-moves';
import { skuIdByCode } from './sku-code';

/**
 * `sku_code` reads and sets the SKU. A new quantity is a count: it may fall below what is held, as
 * in Commerce Layer, unless `_validate` is sent (docs/reservations.md#stock-item-quantity).
 */
export const stockItems: Behaviour = {
  triggers: {
    // runs after the update, in its transaction: refusing rolls the count back
    _validate: async ({ tx, row }) => {
      const held = await activeReserved(tx, row.id);
      if (row.quantity < held)
        throw errors.validation([violation.atLeast('quantity', held, row.quantity, 'reserved stock')]);
    },
  },
  hooks: {
    beforeWrite: async ({ tx, ctx, values, attributes, existing }) => {
      if (typeof attributes.sku_code === 'string') values.sku_id = await skuIdByCode(tx, ctx.mode, attributes.sku_code);
      if (!existing) values.reserved_stock_id = newId();
      // the ledger names a count, and how short of its holds it leaves the stock item
      if (existing && typeof values.quantity === 'number' && values.quantity !== existing.quantity)
        await countReason(tx, existing.reserved_quantity - values.quantity);
    },
    afterWrite: async ({ tx, existing, values }) => {
      if (existing && values.quantity !== undefined) await countReason(tx, null);
    },
  },
  loaders: {
    sku_code: async (db, _ctx, rows) => {
      const ids = [...new Set(rows.map((r) => r.sku_id as string))];
      const found = ids.length
        ? await db.select({ id: skus.id, code: skus.code }).from(skus).where(anyOf(skus.id, ids))
        : [];
      const code = new Map(found.map((f) => [f.id, f.code]));
      return new Map(rows.map((r) => [r.id, code.get(r.sku_id) ?? null]));
    },
  },
};

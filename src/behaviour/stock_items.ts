import { skus } from '../db/schema/catalog';
import { errors } from '../jsonapi/errors';
import { violation } from '../jsonapi/violations';
import { newId } from '../lib/ids';
import type { Behaviour } from '../resources/bind';
import { anyOf } from '../rows/scope';
import { skuIdByCode } from './sku-code';

/** `sku_code` reads and sets the SKU; quantity never drops below what is reserved. */
export const stockItems: Behaviour = {
  // Allot always refuses a quantity under the reserved stock (below): _validate has nothing left to do
  triggers: { _validate: async () => {} },
  hooks: {
    beforeWrite: async ({ tx, ctx, values, attributes, existing }) => {
      if (typeof attributes.sku_code === 'string') values.sku_id = await skuIdByCode(tx, ctx.mode, attributes.sku_code);
      if (!existing) values.reserved_stock_id = newId();
      // never below what is held: lowering quantity under reserved stock would oversell (the CHECK backs this)
      if (existing && typeof values.quantity === 'number' && values.quantity < existing.reserved_quantity) {
        throw errors.validation([
          violation.atLeast('quantity', existing.reserved_quantity, values.quantity, 'reserved stock'),
        ]);
      }
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

import { eq, sql } from 'drizzle-orm';
import { skus } from '../db/schema/catalog';
import { HOLDING_TRANSFER, OPEN_TRANSFER, TRANSFER } from '../inventory/state-machine';
import { errors } from '../jsonapi/errors';
import { relationship, violation } from '../jsonapi/violations';
import type { Behaviour, TriggerRun } from '../resources/bind';
import { release } from '../services/stock';
import { holdOrigin, transferTrigger } from '../services/transfers';
import { skuIdByCode } from './sku-code';

/**
 * A transfer holds its units on the origin from upcoming until it completes; a draft holds nothing
 * (Commerce Layer's current reference). A shipment's transfer is decided by its order.
 */
export const stockTransfers: Behaviour = {
  triggers: Object.fromEntries(
    Object.keys(TRANSFER).map((name): [string, TriggerRun] => [
      name,
      ({ tx, ctx, row }) => transferTrigger(tx, ctx, name, row),
    ]),
  ),
  hooks: {
    beforeWrite: async ({ tx, ctx, values, attributes, existing }) => {
      if (existing && Object.keys(values).length && !OPEN_TRANSFER.includes(existing.status))
        throw errors.validation([violation.inStatus('status', existing.status, 'the transfer can no longer change')]);
      if (
        existing?.shipment_id &&
        (values.quantity !== undefined ||
          values.sku_id ||
          values.origin_stock_location_id ||
          values.destination_stock_location_id)
      ) {
        throw errors.validation([violation.ownedBy(relationship('shipment'), 'a shipment', 'its order decides it')]);
      }
      if (typeof attributes.sku_code === 'string') values.sku_id = await skuIdByCode(tx, ctx.mode, attributes.sku_code);
      if (values.sku_id)
        values.sku_code = (await tx.select({ code: skus.code }).from(skus).where(eq(skus.id, values.sku_id)))[0]!.code;
      if (!existing && values.number === undefined)
        values.number = sql`'T' || lpad((floor(random() * 1e9))::bigint::text, 9, '0')`;
    },
    afterWrite: async ({ tx, ctx, row, existing }) => {
      if (!existing || !HOLDING_TRANSFER.includes(row.status)) return; // a draft holds nothing
      const origin = row.origin_stock_location_id;
      if (
        existing.quantity === row.quantity &&
        existing.sku_id === row.sku_id &&
        existing.origin_stock_location_id === origin
      )
        return;
      await release(tx, ctx.mode, { transferId: row.id }); // resized or moved: the hold is rebuilt
      await holdOrigin(tx, ctx.mode, row);
    },
    beforeDelete: async ({ tx, ctx, row }) => {
      if (row.shipment_id) throw errors.locked('The transfer belongs to a shipment: cancel it instead.');
      await release(tx, ctx.mode, { transferId: row.id });
    },
  },
};

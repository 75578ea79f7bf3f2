import { eq, sql } from 'drizzle-orm';
import { stockReservations as reservations } from '../db/schema/reservations';
import { stockItems } from '../db/schema/stock';
import type { Tx } from '../db/tx';
import { SHIPMENT } from '../inventory/state-machine';
import { errors } from '../jsonapi/errors';
import { violation } from '../jsonapi/violations';
import type { Behaviour, TriggerRun } from '../resources/bind';
import type { Row } from '../rows/row';
import { type ManualStock, manualStock } from '../services/manual-stock';
import { adjustReserved, sweepExpired } from '../services/stock';
import { releaseShipment, type SliScope } from '../services/stock-moves';
import { transition } from '../services/transition';

/** A shipment's step through its state machine; `_cancel` releases (or restocks) its units first. */
const shipmentStep =
  (name: string): TriggerRun =>
  async ({ tx, ctx, row }) => {
    const moved = await transition(
      tx,
      'shipments',
      SHIPMENT,
      name,
      row,
      name === '_cancel' ? () => releaseShipment(tx, ctx.mode, row.id) : undefined,
    );
    // the order is fulfilled once every live shipment has left
    if (moved && (name === '_ship' || name === '_cancel')) {
      await tx.execute(sql`update orders set fulfillment_status = 'fulfilled', updated_at = now()
        where id = ${row.order_id} and fulfillment_status = 'in_progress'
        and not exists (select 1 from shipments x where x.order_id = ${row.order_id}
          and x.status not in ('shipped', 'delivered', 'cancelled'))
        and exists (select 1 from shipments x where x.order_id = ${row.order_id}
          and x.status in ('shipped', 'delivered'))`);
    }
  };

/** The manual stock triggers, on whatever stock line items `scopeOf` picks from the row. */
const manual = (scopeOf: (row: Row) => SliScope): Record<ManualStock, TriggerRun> => {
  const run =
    (name: ManualStock): TriggerRun =>
    ({ tx, ctx, row }) =>
      manualStock(tx, ctx, name, row.order_id, scopeOf(row));
  return {
    _decrement_stock: run('_decrement_stock'),
    _release_stock: run('_release_stock'),
    _reserve_stock: run('_reserve_stock'),
  };
};

export const shipments: Behaviour = {
  triggers: {
    ...Object.fromEntries(Object.keys(SHIPMENT).map((name) => [name, shipmentStep(name)])),
    ...manual((r) => ({ shipmentId: r.id })),
  },
};

export const stockLineItems: Behaviour = { triggers: manual((r) => ({ stockLineItemId: r.id })) };

const r = reservations;

/** 404, keeping the sweep that found the reservation expired. */
const gone = () => Object.assign(errors.recordNotFound(), { commitFirst: true });

/** A draft past `expires_at` no longer exists: sweep its stock item and tell whether it went. */
async function expiredAway(tx: Tx, mode: string, row: Row): Promise<boolean> {
  if (row.status !== 'draft') return false;
  await sweepExpired(tx, mode, [row.stock_item_id]);
  const still = await tx.select({ id: r.id }).from(r).where(eq(r.id, row.id));
  return still.length === 0;
}

/** A reservation made, resized or deleted through its own endpoint moves its stock item's counter with it. */
export const stockReservations: Behaviour = {
  triggers: {
    _pending: async ({ tx, row }) => {
      await tx.execute(
        sql`update stock_reservations set status = 'pending', expires_at = null, updated_at = now()
          where id = ${row.id} and status = 'draft'`,
      );
    },
  },
  hooks: {
    beforeWrite: async ({ tx, ctx, values, existing }) => {
      if (!existing) {
        const [item] = await tx
          .select({ sku_id: stockItems.sku_id })
          .from(stockItems)
          .where(eq(stockItems.id, values.stock_item_id))
          .for('update');
        values.sku_id = item!.sku_id;
        values.status = 'draft';
        // no model to ask: Commerce Layer's default cutoff (docs/reservations.md#generic-holds)
        values.expires_at = sql`now() + interval '3600 seconds'`;
        await adjustReserved(tx, ctx.mode, values.stock_item_id, values.quantity);
        return;
      }
      if (await expiredAway(tx, ctx.mode, existing)) throw gone();
      if (values.quantity !== undefined) {
        if (existing.order_id)
          throw errors.validation([violation.ownedBy('quantity', 'an order', "change the order's line items instead")]);
        await adjustReserved(tx, ctx.mode, existing.stock_item_id, values.quantity - existing.quantity);
      }
    },
    beforeDelete: async ({ tx, ctx, row }) => {
      if (await expiredAway(tx, ctx.mode, row)) throw gone();
      if (row.stock_line_item_id)
        throw errors.locked('The reservation belongs to a placed order: cancel the order or its shipment instead.');
      await adjustReserved(tx, ctx.mode, row.stock_item_id, -row.quantity);
    },
  },
};

import { rawClient } from '../db/client';
import { errors } from '../jsonapi/errors';
import type { Stock } from '../inventory/availability';
import type { Line } from '../inventory/types';
import type { Slot } from '../inventory/walk';
import { lockStock, type LockedStock } from './stock';
import type { Tx } from './tx';

export interface OrderModel {
  marketId: string;
  modelId: string;
  strategy: string;
  cutoff: number;
  reservationCutoff: number;
  manualStockDecrement: boolean;
  putStockTransfersOnHold: boolean;
  slots: Slot[];
}

/** The market's inventory model and its stock locations (any order: the engine walks them). */
export async function loadModel(tx: Tx, mode: string, marketId: string): Promise<OrderModel> {
  const sql = rawClient(tx);
  const [m] = await sql`
    select m.id as market_id, im.id as model_id, im.strategy, im.stock_locations_cutoff, im.stock_reservation_cutoff,
      im.manual_stock_decrement, im.put_stock_transfers_on_hold, m.disabled_at
    from markets m join inventory_models im on im.id = m.inventory_model_id where m.id = ${marketId} and m.mode = ${mode}`;
  if (!m) throw errors.validation([{ attribute: 'market', message: 'is not a valid market', error: 'invalid', pointer: '/data/relationships/market' }]);
  if (m.disabled_at) throw errors.validation([{ attribute: 'market', message: 'is disabled', error: 'invalid', pointer: '/data/relationships/market' }]);
  const isls = await sql`select id, stock_location_id, priority, on_hold, (extract(epoch from created_at) * 1000)::bigint as created from inventory_stock_locations where inventory_model_id = ${m.model_id}`;
  return {
    marketId: m.market_id,
    modelId: m.model_id,
    strategy: m.strategy,
    cutoff: m.stock_locations_cutoff,
    reservationCutoff: m.stock_reservation_cutoff,
    manualStockDecrement: m.manual_stock_decrement,
    putStockTransfersOnHold: m.put_stock_transfers_on_hold,
    slots: isls.map((r) => ({ id: r.id, stockLocationId: r.stock_location_id, priority: r.priority, onHold: r.on_hold, createdAt: Number(r.created) })),
  };
}

/** An order's line items with their SKUs' inventory flags. */
export async function loadLines(tx: Tx, orderId: string): Promise<Line[]> {
  const sql = rawClient(tx);
  const rows = await sql`
    select li.id, li.quantity, s.id as sku_id, s.code, s.do_not_ship, s.do_not_track, s.shipping_category_id
    from line_items li join skus s on s.id = li.sku_id where li.order_id = ${orderId} order by li.created_at, li.id`;
  return rows.map((r) => ({ lineItemId: r.id, skuId: r.sku_id, skuCode: r.code, quantity: r.quantity, doNotShip: r.do_not_ship, doNotTrack: r.do_not_track, shippingCategoryId: r.shipping_category_id }));
}

/** Locked stock of these SKUs in the model's locations, as the engine's stock map. */
export async function lockedStock(tx: Tx, mode: string, skuIds: string[], model: OrderModel) {
  const rows = await lockStock(tx, mode, skuIds, model.slots.map((s) => s.stockLocationId));
  const stock = new Map<string, Map<string, Stock>>();
  for (const r of rows) {
    let m = stock.get(r.sku_id);
    if (!m) stock.set(r.sku_id, (m = new Map()));
    m.set(r.stock_location_id, { quantity: r.quantity, reserved: r.reserved_quantity });
  }
  const itemOf = (skuId: string, locationId: string): LockedStock | undefined => rows.find((r) => r.sku_id === skuId && r.stock_location_id === locationId);
  return { stock, itemOf };
}

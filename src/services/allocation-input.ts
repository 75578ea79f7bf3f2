import { rawClient } from '../db/client';
import type { Tx } from '../db/tx';
import type { Stock } from '../inventory/availability';
import type { Line } from '../inventory/types';
import type { Slot } from '../inventory/walk';
import { errors } from '../jsonapi/errors';
import { relationship, violation } from '../jsonapi/violations';
import type { Row } from '../rows/row';
import { type LockedStock, lockStock } from './stock';

/** A JSON array built by the statement below; its positions are the statement's. */
type Tuple = Row[keyof Row][];

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

const MODEL_COLUMNS = (sql: ReturnType<typeof rawClient>) => sql`
  m.id as market_id, m.disabled_at, im.id as model_id, im.strategy,
  im.stock_locations_cutoff, im.stock_reservation_cutoff, im.manual_stock_decrement, im.put_stock_transfers_on_hold,
  (select coalesce(json_agg(json_build_array(isl.id, isl.stock_location_id, isl.priority, isl.on_hold,
      (extract(epoch from isl.created_at) * 1000)::bigint)), '[]')
     from inventory_stock_locations isl where isl.inventory_model_id = im.id) as slots`;

function toModel(m: Row | undefined): OrderModel {
  if (!m) throw errors.validation([violation.notValid(relationship('market'), 'market')]);
  if (m.disabled_at) throw errors.validation([violation.disabled(relationship('market'))]);
  return {
    marketId: m.market_id,
    modelId: m.model_id,
    strategy: m.strategy,
    cutoff: m.stock_locations_cutoff,
    reservationCutoff: m.stock_reservation_cutoff,
    manualStockDecrement: m.manual_stock_decrement,
    putStockTransfersOnHold: m.put_stock_transfers_on_hold,
    slots: (m.slots as Tuple[]).map(([id, stockLocationId, priority, onHold, created]) => ({
      id,
      stockLocationId,
      priority,
      onHold,
      createdAt: Number(created),
    })),
  };
}

/** The market's inventory model and its stock locations (any order: the engine walks them), in one statement. */
export async function loadModel(tx: Tx, mode: string, marketId: string): Promise<OrderModel> {
  const sql = rawClient(tx);
  const [m] =
    await sql`select ${MODEL_COLUMNS(sql)} from markets m join inventory_models im on im.id = m.inventory_model_id
      where m.id = ${marketId} and m.mode = ${mode}`;
  return toModel(m);
}

const toLine = ([lineItemId, quantity, skuId, skuCode, doNotShip, doNotTrack, shippingCategoryId]: Tuple): Line => ({
  lineItemId,
  quantity,
  skuId,
  skuCode,
  doNotShip,
  doNotTrack,
  shippingCategoryId,
});

/** Stock rows as the engine's stock map, and the stock item of a SKU in a location. */
function stockMap(rows: LockedStock[]) {
  const stock = new Map<string, Map<string, Stock>>();
  for (const r of rows) {
    let m = stock.get(r.sku_id);
    if (!m) stock.set(r.sku_id, (m = new Map()));
    m.set(r.stock_location_id, { quantity: r.quantity, reserved: r.reserved_quantity });
  }
  const itemOf = (skuId: string, locationId: string): LockedStock | undefined =>
    rows.find((r) => r.sku_id === skuId && r.stock_location_id === locationId);
  return { stock, itemOf };
}

export type StockView = ReturnType<typeof stockMap>;

/**
 * Everything placement reads, in one statement and without locks: the model, the lines, whether the
 * order holds stock already, and the stock of the lines' SKUs in the model's locations as this
 * statement saw it (drafts past expiry not counted, found in one index scan for all the items, as
 * pages do: sku-inventory.ts) — what an optimistic plan is made on.
 */
export async function loadPlacement(
  tx: Tx,
  mode: string,
  order: { id: string; market_id: string },
): Promise<{ model: OrderModel; lines: Line[]; holds: boolean; seen: StockView }> {
  const sql = rawClient(tx);
  const [m] = await sql`
    select ${MODEL_COLUMNS(sql)},
      (select coalesce(json_agg(json_build_array(li.id, li.quantity, s.id, s.code, s.do_not_ship, s.do_not_track,
        s.shipping_category_id) order by li.created_at, li.id), '[]')
         from line_items li join skus s on s.id = li.sku_id where li.order_id = ${order.id}) as lines,
      exists (select 1 from stock_reservations r where r.order_id = ${order.id}) as holds,
      (with si as (select si.id, si.sku_id, si.stock_location_id, si.quantity, si.reserved_quantity
           from stock_items si where si.mode = ${mode}
             and si.sku_id in (select li.sku_id from line_items li where li.order_id = ${order.id})
             and si.stock_location_id in (select isl.stock_location_id from inventory_stock_locations isl
               where isl.inventory_model_id = im.id)),
         expired as (select r.stock_item_id, sum(r.quantity)::int as quantity from stock_reservations r
           where r.stock_item_id = any(array(select si.id from si)) and r.status = 'draft' and r.expires_at <= now()
           group by r.stock_item_id)
       select coalesce(json_agg(json_build_array(si.id, si.sku_id, si.stock_location_id, si.quantity,
           si.reserved_quantity - coalesce(e.quantity, 0))), '[]')
         from si left join expired e on e.stock_item_id = si.id) as stock
    from markets m join inventory_models im on im.id = m.inventory_model_id where m.id = ${order.market_id}
      and m.mode = ${mode}`;
  const seen = ((m?.stock ?? []) as Tuple[]).map(([id, sku_id, stock_location_id, quantity, reserved_quantity]) => ({
    id,
    sku_id,
    stock_location_id,
    quantity,
    reserved_quantity,
  }));
  return {
    model: toModel(m),
    lines: ((m?.lines ?? []) as Tuple[]).map(toLine),
    holds: !!m?.holds,
    seen: stockMap(seen),
  };
}

/** Locked stock of these SKUs in the model's locations, as the engine's stock map. */
export async function lockedStock(tx: Tx, mode: string, skuIds: string[], model: OrderModel): Promise<StockView> {
  return stockMap(
    await lockStock(
      tx,
      mode,
      skuIds,
      model.slots.map((s) => s.stockLocationId),
    ),
  );
}

import type { Stock } from './availability';
import type { Slot } from './walk';

/** One line of an order, as the engine sees it: plain data, no database, no HTTP. */
export interface Line {
  lineItemId: string;
  skuId: string;
  skuCode: string;
  quantity: number;
  doNotShip: boolean;
  doNotTrack: boolean;
  shippingCategoryId: string | null;
}

export interface AllocationInput {
  lines: Line[];
  /** The model's inventory stock locations (any order: the walk sorts them). */
  slots: Slot[];
  cutoff: number;
  scopedLocationIds?: string[];
  /** sku id → stock location id → stock (reservations of this order already released). */
  stock: ReadonlyMap<string, ReadonlyMap<string, Stock>>;
}

/** Units of one line taken from one location (stockLocationId null: not tracked, no stock item). */
export interface Pick {
  lineItemId: string;
  skuId: string;
  quantity: number;
  stockLocationId: string;
  tracked: boolean;
}

/** Units a secondary location sends to the shipping one (`ship_from_primary`), one per (SKU, origin). */
export interface PlannedTransfer {
  lineItemId: string;
  skuId: string;
  quantity: number;
  fromLocationId: string;
  toLocationId: string;
  /** Index in `plan.shipments` of the shipment the units join when the transfer completes (none for do_not_ship). */
  shipment: number | null;
}

export interface PlannedShipment {
  stockLocationId: string;
  shippingCategoryId: string | null;
  onHold: boolean;
  /** Waits (on hold) for transfers into its location. */
  awaitingTransfers: boolean;
  picks: Pick[];
  /** Why these units ship from here: shown on the shipment as `allocation`. */
  explanation: string;
}

export interface Shortfall {
  skuCode: string;
  requested: number;
  available: number;
}

export interface Plan {
  strategy: string;
  shipments: PlannedShipment[];
  /** do_not_ship lines: stock line items (stock still held) that belong to no shipment. */
  unshipped: Pick[];
  transfers: PlannedTransfer[];
  shortfalls: Shortfall[];
}

/**
 * A strategy decides, from plain inputs, which location gives how many units of each line. It
 * returns a plan and never writes; services apply plans (docs/design.md#plans).
 *
 * @example
 *   registerStrategy('no_split', noSplit);
 *   const plan = strategyFor('no_split')!(input);
 */
export type Strategy = (input: AllocationInput) => Plan;

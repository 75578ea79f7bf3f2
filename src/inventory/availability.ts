import { type Slot, walk } from './walk';

export interface Stock {
  quantity: number;
  /** Units held by live reservations. */
  reserved: number;
}

export interface LeadTime {
  shipping_method: {
    name: string;
    reference: string | null;
    price_amount_cents: number;
    free_over_amount_cents: number | null;
    formatted_price_amount: string | null;
    formatted_free_over_amount: string | null;
  };
  min: { hours: number; days: number };
  max: { hours: number; days: number };
}

export interface Inventory {
  available: boolean;
  quantity: number;
  levels: Array<{ quantity: number; delivery_lead_times: LeadTime[] }>;
}

export interface AvailabilityInput {
  slots: readonly Slot[];
  cutoff: number;
  scopedLocationIds?: readonly string[];
  /** stock location id → this SKU's stock item there (absent: no stock item). */
  stock: ReadonlyMap<string, Stock>;
  /** stock location id → lead times, already sorted by price. */
  leadTimes: ReadonlyMap<string, LeadTime[]>;
  doNotTrack: boolean;
}

/** Net units a location can still promise: never negative (docs/availability.md#levels). */
export const net = (s: Stock) => Math.max(0, s.quantity - s.reserved);

/**
 * A SKU's `inventory` in a market (docs/availability.md#levels): one level per walked location that has a stock
 * item, net of reservations; `do_not_track` SKUs are always available.
 */
export function availability(input: AvailabilityInput): Inventory {
  const levels: Inventory['levels'] = [];
  for (const slot of walk(input.slots, input.cutoff, input.scopedLocationIds)) {
    const s = input.stock.get(slot.stockLocationId);
    if (!s) continue;
    levels.push({ quantity: net(s), delivery_lead_times: input.leadTimes.get(slot.stockLocationId) ?? [] });
  }
  const quantity = levels.reduce((t, l) => t + l.quantity, 0);
  return { available: quantity > 0 || input.doNotTrack, quantity, levels };
}

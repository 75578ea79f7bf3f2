import { net } from './availability';
import type { AllocationInput, Line, Pick, Plan, PlannedShipment, PlannedTransfer, Shortfall } from './types';
import { type Slot, walk } from './walk';

/**
 * Shared mechanics of every strategy: the walk over locations, a ledger of what is left per
 * (sku, location) as lines take units (so two lines of one SKU never count the same unit twice,
 * docs/placement-and-strategies.md#same-sku), shortfalls, and grouping picks into shipments.
 */
export class Allocation {
  readonly slots: Slot[];
  private left = new Map<string, number>();
  readonly picks: Pick[] = [];
  readonly transfers: Array<Omit<PlannedTransfer, 'shipment'>> = [];
  /** sku id → units the strategy could not place. */
  private missing = new Map<string, number>();

  constructor(readonly input: AllocationInput) {
    this.slots = walk(input.slots, input.cutoff, input.scopedLocationIds);
    for (const [sku, byLoc] of input.stock) for (const [loc, s] of byLoc) this.left.set(`${sku}|${loc}`, net(s));
  }

  get primary(): Slot | undefined {
    return this.slots[0];
  }

  available(skuId: string, locationId: string): number {
    return this.left.get(`${skuId}|${locationId}`) ?? 0;
  }

  /** Total each tracked SKU of `lines` needs. */
  demand(lines: Line[]): Map<string, number> {
    const d = new Map<string, number>();
    for (const l of lines) if (!l.doNotTrack) d.set(l.skuId, (d.get(l.skuId) ?? 0) + l.quantity);
    return d;
  }

  /** Can `slot` alone give every tracked unit of `lines` (what is left of it)? */
  covers(slot: Slot, lines: Line[]): boolean {
    for (const [sku, q] of this.demand(lines)) if (this.available(sku, slot.stockLocationId) < q) return false;
    return true;
  }

  take(line: Line, slot: Slot, quantity: number): void {
    if (quantity <= 0) return;
    if (!line.doNotTrack)
      this.left.set(
        `${line.skuId}|${slot.stockLocationId}`,
        this.available(line.skuId, slot.stockLocationId) - quantity,
      );
    this.picks.push({
      lineItemId: line.lineItemId,
      skuId: line.skuId,
      quantity,
      stockLocationId: slot.stockLocationId,
      tracked: !line.doNotTrack,
    });
  }

  /** Take a line from `slots` in order until covered; whatever is missing is a shortfall. */
  greedy(line: Line, slots: Slot[]): void {
    if (line.doNotTrack) {
      this.untracked(line);
      return;
    }
    let need = line.quantity;
    for (const s of slots) {
      const q = Math.min(need, this.available(line.skuId, s.stockLocationId));
      this.take(line, s, q);
      need -= q;
      if (need === 0) return;
    }
    this.short(line, need);
  }

  /** Take all of a line from one slot, or record the shortfall. */
  whole(line: Line, slot: Slot | undefined): void {
    if (line.doNotTrack) {
      this.untracked(line);
      return;
    }
    const have = slot ? this.available(line.skuId, slot.stockLocationId) : 0;
    if (slot && have >= line.quantity) {
      this.take(line, slot, line.quantity);
      return;
    }
    this.short(line, line.quantity - have);
    // the units it did have are spoken for: a later line of the same SKU must not count them again
    if (slot) this.left.set(`${line.skuId}|${slot.stockLocationId}`, 0);
  }

  /**
   * `ship_from_primary`'s rule for one line: the primary gives what it has, secondaries by priority
   * send the rest to it as transfers (merged per SKU and origin).
   */
  viaPrimary(line: Line): void {
    const primary = this.primary;
    if (line.doNotTrack || !primary) {
      this.untracked(line);
      return;
    }
    let need = line.quantity;
    const own = Math.min(need, this.available(line.skuId, primary.stockLocationId));
    this.take(line, primary, own);
    need -= own;
    for (const s of this.slots.slice(1)) {
      if (!need) break;
      const q = Math.min(need, this.available(line.skuId, s.stockLocationId));
      if (!q) continue;
      this.left.set(`${line.skuId}|${s.stockLocationId}`, this.available(line.skuId, s.stockLocationId) - q);
      const same = this.transfers.find((t) => t.skuId === line.skuId && t.fromLocationId === s.stockLocationId);
      if (same) same.quantity += q;
      else
        this.transfers.push({
          lineItemId: line.lineItemId,
          skuId: line.skuId,
          quantity: q,
          fromLocationId: s.stockLocationId,
          toLocationId: primary.stockLocationId,
        });
      need -= q;
    }
    if (need) this.short(line, need);
  }

  /**
   * do_not_track: never decremented, shipped from the primary location
   * (docs/placement-and-strategies.md#do-not-track).
   */
  untracked(line: Line): void {
    if (this.primary) this.take(line, this.primary, line.quantity);
    else this.short(line, line.quantity);
  }

  private short(line: Line, missing: number): void {
    this.missing.set(line.skuId, (this.missing.get(line.skuId) ?? 0) + missing);
  }

  /**
   * Per SKU: what the order asks for and what this strategy could give (a 422 names each,
   * docs/placement-and-strategies.md#shortfall).
   */
  shortfalls(): Shortfall[] {
    const demand = new Map<string, { code: string; q: number }>();
    for (const l of this.input.lines)
      demand.set(l.skuId, { code: l.skuCode, q: (demand.get(l.skuId)?.q ?? 0) + l.quantity });
    return [...this.missing].map(([sku, missing]) => {
      const d = demand.get(sku)!;
      return { skuCode: d.code, requested: d.q, available: d.q - missing };
    });
  }

  /**
   * Group picks into shipments: `key` decides the grouping (location and category by default);
   * do_not_ship picks are held but belong to no shipment.
   */
  plan(
    strategy: string,
    key: (p: Pick, line: Line) => string,
    why: (slot: Slot) => string,
    order: 'location' | 'lines' = 'location',
  ): Plan {
    const lines = new Map(this.input.lines.map((l) => [l.lineItemId, l]));
    const bySlot = new Map(this.slots.map((s) => [s.stockLocationId, s]));
    const groups = new Map<string, PlannedShipment>();
    const unshipped: Pick[] = [];
    for (const p of this.picks) {
      const line = lines.get(p.lineItemId)!;
      if (line.doNotShip) {
        unshipped.push(p);
        continue;
      }
      const k = key(p, line);
      let g = groups.get(k);
      if (!g) {
        const slot = bySlot.get(p.stockLocationId)!;
        g = {
          stockLocationId: p.stockLocationId,
          shippingCategoryId: strategy === 'no_split' ? null : line.shippingCategoryId,
          onHold: slot.onHold,
          awaitingTransfers: false,
          picks: [],
          explanation: why(slot),
        };
        groups.set(k, g);
      }
      g.picks.push(p);
    }
    // a transfer's units join the shipment of its line's category at the destination, which waits for it
    const transfers: PlannedTransfer[] = this.transfers.map((t) => {
      const line = lines.get(t.lineItemId)!;
      if (line.doNotShip) return { ...t, shipment: null };
      const k = key(
        { lineItemId: t.lineItemId, skuId: t.skuId, quantity: 0, stockLocationId: t.toLocationId, tracked: true },
        line,
      );
      let g = groups.get(k);
      if (!g) {
        const slot = bySlot.get(t.toLocationId)!;
        g = {
          stockLocationId: t.toLocationId,
          shippingCategoryId: line.shippingCategoryId,
          onHold: slot.onHold,
          awaitingTransfers: true,
          picks: [],
          explanation: why(slot),
        };
        groups.set(k, g);
      }
      g.awaitingTransfers = true;
      return { ...t, shipment: [...groups.keys()].indexOf(k) };
    });
    const unsorted = [...groups.values()];
    const shipments = [...unsorted];
    // shipments in location priority order (stable within a location), or in the order lines took them
    if (order === 'location')
      shipments.sort(
        (x, y) =>
          this.slots.indexOf(bySlot.get(x.stockLocationId)!) - this.slots.indexOf(bySlot.get(y.stockLocationId)!),
      );
    for (const t of transfers) if (t.shipment !== null) t.shipment = shipments.indexOf(unsorted[t.shipment]!);
    return { strategy, shipments, unshipped, transfers, shortfalls: this.shortfalls() };
  }
}

export const byLocationAndCategory = (p: Pick, line: Line) => `${p.stockLocationId}|${line.shippingCategoryId ?? ''}`;

export const rank = (a: Allocation, slot: Slot) =>
  `priority ${slot.priority}, #${a.slots.indexOf(slot) + 1} of ${a.slots.length} locations within the cutoff`;

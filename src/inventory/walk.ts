/**
 * The one walk over an inventory model's stock locations, shared by availability and allocation
 * (docs/availability.md#walk): priority ascending, ties by creation then id (deterministic),
 * narrowed to the token's stock locations if any, then cut to the model's `stock_locations_cutoff`.
 */
export interface Slot {
  stockLocationId: string;
  priority: number;
  onHold: boolean;
  /** Tie-break: creation time (ms) of the inventory stock location, then its id. */
  createdAt: number;
  id: string;
}

export function walk<T extends Slot>(slots: readonly T[], cutoff: number, scoped?: readonly string[]): T[] {
  const allowed = scoped?.length ? new Set(scoped) : undefined;
  return slots
    .filter((s) => !allowed || allowed.has(s.stockLocationId))
    .sort((a, b) => a.priority - b.priority || a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, Math.max(0, cutoff));
}

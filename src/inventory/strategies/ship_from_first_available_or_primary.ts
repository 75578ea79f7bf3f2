import { Allocation, byLocationAndCategory, rank } from '../allocate';
import type { Strategy } from '../types';
import { viaPrimary } from './ship_from_primary';

/**
 * `ship_from_first_available_or_primary`: the first location (by priority, within the cutoff) that
 * alone covers the whole order ships it; if none can, behave as `ship_from_primary`
 * (docs/placement-and-strategies.md#ship-from-first-available-or-primary).
 */
export const shipFromFirstAvailableOrPrimary: Strategy = (input) => {
  const name = 'ship_from_first_available_or_primary';
  const a = new Allocation(input);
  const first = a.slots.find((s) => a.covers(s, input.lines));
  if (!first)
    return viaPrimary(
      a,
      input,
      name,
      'no single location covers the order, so the primary ships it and secondaries transfer what it lacks',
    );
  for (const line of input.lines) a.take(line, first, line.quantity);
  return a.plan(
    name,
    byLocationAndCategory,
    (s) => `${name}: the first location that alone covers the order (${rank(a, s)})`,
  );
};

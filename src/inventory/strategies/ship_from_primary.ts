import { Allocation, byLocationAndCategory, rank } from '../allocate';
import type { AllocationInput, Plan, Strategy } from '../types';

/**
 * `ship_from_primary`: the primary location ships everything; what it lacks comes from the
 * secondaries by priority as stock transfers to it (one per SKU and origin), and its shipments wait
 * on hold until they complete (docs/placement-and-strategies.md#ship-from-primary).
 */
export function viaPrimary(a: Allocation, input: AllocationInput, name: string, why: string): Plan {
  for (const line of input.lines) a.viaPrimary(line);
  return a.plan(name, byLocationAndCategory, (s) => `${name}: ${why} (${rank(a, s)})`);
}

export const shipFromPrimary: Strategy = (input) =>
  viaPrimary(
    new Allocation(input),
    input,
    'ship_from_primary',
    'the primary location ships everything, secondaries transfer what it lacks',
  );

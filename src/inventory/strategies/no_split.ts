import { Allocation, rank } from '../allocate';
import type { Strategy } from '../types';

/** `no_split`: the primary location (or the scoped one) must cover every SKU; one shipment, no category. */
export const noSplit: Strategy = (input) => {
  const a = new Allocation(input);
  for (const line of input.lines) a.whole(line, a.primary);
  return a.plan(
    'no_split',
    () => 'single',
    (s) => `no_split: the primary location (${rank(a, s)}) ships the whole order`,
  );
};

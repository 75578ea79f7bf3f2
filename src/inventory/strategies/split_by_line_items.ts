import { Allocation, rank } from '../allocate';
import type { Strategy } from '../types';

/**
 * `split_by_line_items`: each line item from the primary location if it covers that line, else
 * split across locations by priority; at least one shipment per line item (one per location used).
 */
export const splitByLineItems: Strategy = (input) => {
  const a = new Allocation(input);
  for (const line of input.lines) {
    if (a.primary && !line.doNotTrack && a.available(line.skuId, a.primary.stockLocationId) >= line.quantity)
      a.take(line, a.primary, line.quantity);
    else a.greedy(line, a.slots);
  }
  return a.plan(
    'split_by_line_items',
    (p) => `${p.lineItemId}|${p.stockLocationId}`,
    (s) => `split_by_line_items: one shipment per line item and location (${rank(a, s)})`,
    'lines',
  );
};

import { Allocation, byLocationAndCategory, rank } from '../allocate';
import type { Strategy } from '../types';

/**
 * `split_shipments`: all from the primary location if it covers the order; otherwise each SKU is
 * taken from locations in priority order until covered (a line may split). One shipment per
 * (location, shipping category).
 */
export const splitShipments: Strategy = (input) => {
  const a = new Allocation(input);
  const primaryCovers = !!a.primary && a.covers(a.primary, input.lines);
  for (const line of input.lines) a.greedy(line, a.slots);
  return a.plan('split_shipments', byLocationAndCategory, (s) =>
    primaryCovers
      ? `split_shipments: the primary location (${rank(a, s)}) covers the whole order`
      : `split_shipments: taken in priority order (${rank(a, s)}) ` +
        'because the primary location does not cover the order',
  );
};

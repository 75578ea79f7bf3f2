import type { Strategy } from '../types';
import { noSplit } from './no_split';
import { shipFromFirstAvailableOrPrimary } from './ship_from_first_available_or_primary';
import { shipFromPrimary } from './ship_from_primary';
import { splitByLineItems } from './split_by_line_items';
import { splitShipments } from './split_shipments';

/**
 * Strategies by Commerce Layer's strategy string (docs/design.md#registry). A new strategy is one file
 * and one line here; an unknown key is refused when an inventory model is written, never at checkout.
 */
const registry = new Map<string, Strategy>([
  ['no_split', noSplit],
  ['split_shipments', splitShipments],
  ['split_by_line_items', splitByLineItems],
  ['ship_from_primary', shipFromPrimary],
  ['ship_from_first_available_or_primary', shipFromFirstAvailableOrPrimary],
]);

export const strategyFor = (name: string): Strategy | undefined => registry.get(name);
export const strategyNames = (): string[] => [...registry.keys()];

import type { Inventory, LeadTime } from '../inventory/availability';
import { WithJsonText } from '../jsonapi/json-text';

/** Each market's lead-time lists as JSON text: parsed markets share their lists (behaviour/skus.ts), so once each. */
const texts = new WeakMap<LeadTime[], string>();

/**
 * Characters beyond Latin-1 as `\uXXXX` escapes (the same JSON value). A formatted price in euros
 * ("€7.00") would otherwise make every body it is spliced into a two-byte string, which V8 measures
 * and encodes as UTF-8 about four times slower than a one-byte one, on every uncached read.
 */
const latin1 = (json: string) =>
  json.replace(/[\u0100-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

function leadTimesText(list: LeadTime[]): string {
  let text = texts.get(list);
  if (text === undefined) texts.set(list, (text = latin1(JSON.stringify(list))));
  return text;
}

/**
 * A SKU's `inventory` as its loader gives it: the engine's figures, whose JSON text reuses its
 * market's serialized lead times — most of a product page's bytes — instead of serializing them per
 * response. The text is what `JSON.stringify` gives for the same fields in the same order, but for
 * the lead times' characters beyond Latin-1, escaped.
 */
export class InventoryValue extends WithJsonText implements Inventory {
  constructor(
    readonly available: boolean,
    readonly quantity: number,
    readonly levels: Inventory['levels'],
  ) {
    super();
  }

  static of(inventory: Inventory): InventoryValue {
    return new InventoryValue(inventory.available, inventory.quantity, inventory.levels);
  }

  jsonText(): string {
    let levels = '';
    for (const l of this.levels) {
      const leadTimes = leadTimesText(l.delivery_lead_times);
      levels += `${levels ? ',' : ''}{"quantity":${JSON.stringify(l.quantity)},"delivery_lead_times":${leadTimes}}`;
    }
    return `{"available":${this.available},"quantity":${JSON.stringify(this.quantity)},"levels":[${levels}]}`;
  }
}

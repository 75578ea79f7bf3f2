import type { Inventory, LeadTime } from '../inventory/availability';
import { WithJsonText } from '../jsonapi/json-text';

/** Each market's lead-time lists as JSON text: parsed markets share their lists (behaviour/skus.ts), so once each. */
const texts = new WeakMap<LeadTime[], string>();

function leadTimesText(list: LeadTime[]): string {
  let text = texts.get(list);
  if (text === undefined) texts.set(list, (text = JSON.stringify(list)));
  return text;
}

/**
 * A SKU's `inventory` as its loader gives it: the engine's figures, whose JSON text reuses its
 * market's serialized lead times — most of a product page's bytes — instead of serializing them per
 * response. The text is what `JSON.stringify` gives for the same fields in the same order.
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

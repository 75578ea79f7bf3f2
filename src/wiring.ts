import { addresses } from './behaviour/addresses';
import { shipments, stockLineItems, stockReservations } from './behaviour/fulfilment';
import { exportsBehaviour, importsBehaviour } from './behaviour/jobs';
import { markets, shippingMethods } from './behaviour/markets';
import { lineItems, orders } from './behaviour/orders';
import { returnLineItems, returns } from './behaviour/returns';
import { skus } from './behaviour/skus';
import { stockItems } from './behaviour/stock_items';
import { stockMovements } from './behaviour/stock_movements';
import { stockTransfers } from './behaviour/transfers';
import { events, inStockSubscriptions, webhooks } from './behaviour/webhooks';
import { type Behaviour, bind } from './resources/bind';
import { definitions } from './resources/index';
import { Registry } from './resources/registry';

/**
 * What runs for each type beyond generic CRUD, by type name: trigger actions, write hooks and the
 * loaders of computed attributes. Definitions (resources/) stay data; this is the one place that
 * says which code serves them. A type absent here has no triggers and no computed attributes.
 */
const behaviours: Record<string, Behaviour> = {
  addresses,
  orders,
  line_items: lineItems,
  shipments,
  stock_line_items: stockLineItems,
  stock_reservations: stockReservations,
  stock_transfers: stockTransfers,
  returns,
  return_line_items: returnLineItems,
  markets,
  shipping_methods: shippingMethods,
  stock_items: stockItems,
  skus,
  imports: importsBehaviour,
  exports: exportsBehaviour,
  webhooks,
  events,
  in_stock_subscriptions: inStockSubscriptions,
  stock_movements: stockMovements,
};

/** Every served type with its behaviour bound; a trigger without an action (or the reverse) fails here, at start. */
export function buildRegistry(): Registry {
  for (const type of Object.keys(behaviours))
    if (!definitions.some((d) => d.type === type)) throw new Error(`behaviour for ${type}, which is not defined`);
  return new Registry(definitions.map((d) => bind(d, behaviours[d.type])));
}

import { addressesResource } from './addresses';
import { shippingCategoriesResource, skusResource } from './catalog';
import type { ResourceDefinition } from './define';
import { shipmentsResource, stockLineItemsResource, stockReservationsResource } from './fulfilment';
import { inStockSubscriptionsResource } from './in_stock_subscriptions';
import {
  inventoryReturnLocationsResource,
  inventoryStockLocationsResource,
  stockLevelsResource,
} from './inventory_locations';
import { inventoryModelsResource } from './inventory_models';
import { exportsResource, importsResource } from './jobs';
import { deliveryLeadTimesResource, marketsResource, shippingMethodsResource } from './markets';
import { lineItemsResource, ordersResource } from './orders';
import { returnLineItemsResource, returnsResource } from './returns';
import { reservedStocksResource, stockItemsResource } from './stock_items';
import { stockLocationsResource } from './stock_locations';
import { stockMovementsResource } from './stock_movements';
import { stockTransfersResource } from './transfers';
import { versionsResource } from './versions';
import { eventCallbacksResource, eventsResource, webhooksResource } from './webhooks';

/** Every served type, in one place. Adding a resource is adding its definition here (its behaviour: wiring.ts). */
export const definitions: ResourceDefinition[] = [
  inventoryModelsResource,
  inventoryStockLocationsResource,
  stockLevelsResource,
  inventoryReturnLocationsResource,
  addressesResource,
  stockLocationsResource,
  shippingCategoriesResource,
  skusResource,
  stockItemsResource,
  reservedStocksResource,
  marketsResource,
  shippingMethodsResource,
  deliveryLeadTimesResource,
  ordersResource,
  lineItemsResource,
  stockReservationsResource,
  shipmentsResource,
  stockLineItemsResource,
  stockTransfersResource,
  returnsResource,
  returnLineItemsResource,
  versionsResource,
  importsResource,
  exportsResource,
  webhooksResource,
  eventsResource,
  eventCallbacksResource,
  inStockSubscriptionsResource,
  stockMovementsResource,
];

import { addressesResource } from './addresses';
import { shippingCategoriesResource, skusResource } from './catalog';
import { inventoryModelsResource } from './inventory_models';
import { inventoryReturnLocationsResource, inventoryStockLocationsResource, stockLevelsResource } from './inventory_locations';
import { deliveryLeadTimesResource, marketsResource, shippingMethodsResource } from './markets';
import { Registry } from './registry';
import { reservedStocksResource, stockItemsResource } from './stock_items';
import { stockLocationsResource } from './stock_locations';
import { lineItemsResource, ordersResource } from './orders';
import { shipmentsResource, stockLineItemsResource, stockReservationsResource } from './fulfilment';
import { stockTransfersResource } from './transfers';
import { returnLineItemsResource, returnsResource } from './returns';
import { versionsResource } from './versions';

/** Every served type, in one place. Adding a resource is adding its definition here. */
export function buildRegistry(): Registry {
  return new Registry([
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
  ]);
}

import { inventoryModelsResource } from './inventory_models';
import { Registry } from './registry';

/** Every served type, in one place. Adding a resource is adding its definition here. */
export function buildRegistry(): Registry {
  return new Registry([inventoryModelsResource]);
}

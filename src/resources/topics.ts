/**
 * The topics a webhook may listen to (docs/webhooks.md), as Commerce Layer names them: `{type}.{verb}`.
 * Migration 0015's triggers record the first seven resources' events with the change itself; the
 * stock watcher (src/events/stock-watch.ts) records `skus.*`, an Allot addition (README, Webhooks).
 * A topic of a type the registry does not serve (yet) is left out of the `events` catalogue.
 */
export const TOPICS: Record<string, readonly string[]> = {
  orders: ['create', 'place', 'approve', 'cancel', 'start_fulfilling', 'fulfill', 'destroy'],
  shipments: ['create', 'upcoming', 'on_hold', 'picking', 'packing', 'ready_to_ship', 'ship', 'deliver', 'cancel'],
  stock_transfers: ['create', 'upcoming', 'on_hold', 'picking', 'in_transit', 'complete', 'cancel', 'destroy'],
  returns: ['create', 'request', 'approve', 'ship', 'receive', 'restock', 'cancel', 'destroy'],
  in_stock_subscriptions: ['create', 'activate', 'deactivate', 'notify', 'destroy'],
  imports: ['create', 'start', 'complete', 'interrupt', 'destroy'],
  exports: ['create', 'start', 'complete', 'interrupt', 'destroy'],
  skus: ['out_of_stock', 'back_in_stock'],
};

/** Every topic of the types `served` names, in catalogue order. */
export function topicsOf(served: (type: string) => boolean): string[] {
  return Object.entries(TOPICS).flatMap(([type, verbs]) => (served(type) ? verbs.map((v) => `${type}.${v}`) : []));
}

/** The resource type a topic is about: `orders` for `orders.place`. */
export const topicType = (topic: string): string => topic.slice(0, topic.lastIndexOf('.'));

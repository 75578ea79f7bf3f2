// Which triggers each status allows (the API's state machines, docs/transfers-and-returns.md), and
// what each will do, said in the confirm step before it is sent. The API stays the judge: a trigger
// it refuses is shown with the API's own words.

const units = (n) => `${n} unit${n === 1 ? '' : 's'}`;
const where = (s) => s?.stock_location?.name ?? 'its stock location';
const shipped = (order) =>
  (order.shipments ?? [])
    .filter((s) => s.status !== 'cancelled')
    .map((s) => `${where(s)}: ${units((s.stock_line_items ?? []).reduce((t, l) => t + l.quantity, 0))}`);

export const ORDER = {
  _place: {
    from: ['draft', 'pending'],
    label: 'Place',
    what: (o) => [
      `Place order #${o.number}: the market's inventory model allocates its line items to stock locations, builds the shipments and holds the stock.`,
      'If a SKU is short, nothing changes and Allot says which one.',
    ],
  },
  _approve: {
    from: ['placed'],
    label: 'Approve',
    what: (o) => [
      `Approve order #${o.number}: its shipments move to picking (or on hold) and the held stock is decremented, unless the model decrements manually.`,
      ...shipped(o).map((l) => `Decrement at ${l}.`),
    ],
  },
  _cancel: {
    from: ['placed', 'approved'],
    label: 'Cancel',
    what: (o) => [
      `Cancel order #${o.number}: every hold is released and every open shipment cancelled.`,
      o.status === 'approved'
        ? 'It was approved: the decremented units go back into stock once.'
        : 'No stock was decremented yet.',
    ],
  },
};

const move = (to) => (x) => [
  `Move ${x.number ?? 'it'} from ${x.status.replaceAll('_', ' ')} to ${to.replaceAll('_', ' ')}.`,
];

export const SHIPMENT = {
  _on_hold: { from: ['upcoming', 'picking'], label: 'Put on hold', what: move('on_hold') },
  _picking: { from: ['upcoming', 'on_hold', 'packing'], label: 'Picking', what: move('picking') },
  _packing: { from: ['picking'], label: 'Packing', what: move('packing') },
  _ready_to_ship: { from: ['packing'], label: 'Ready to ship', what: move('ready_to_ship') },
  _ship: {
    from: ['ready_to_ship'],
    label: 'Ship',
    what: (s) => [
      ...move('shipped')(s),
      `The units leave ${where(s)}; the order is fulfilled once every open shipment has left.`,
    ],
  },
  _deliver: { from: ['shipped'], label: 'Delivered', what: move('delivered') },
  _cancel: {
    from: ['upcoming', 'on_hold', 'picking', 'packing', 'ready_to_ship'],
    label: 'Cancel',
    what: (s) => [
      ...move('cancelled')(s),
      `Its held units are released at ${where(s)} (restocked if already decremented).`,
    ],
  },
};

const route = (t) =>
  `${units(t.quantity)} of ${t.sku_code} from ${t.origin_stock_location?.name ?? 'the origin'} to ${t.destination_stock_location?.name ?? 'the destination'}`;

export const TRANSFER = {
  _upcoming: { from: ['draft'], label: 'Upcoming', what: move('upcoming') },
  _on_hold: { from: ['upcoming'], label: 'Put on hold', what: move('on_hold') },
  _picking: { from: ['upcoming', 'on_hold'], label: 'Picking', what: move('picking') },
  _in_transit: { from: ['picking'], label: 'In transit', what: move('in_transit') },
  _complete: {
    from: ['picking', 'in_transit'],
    label: 'Complete',
    what: (t) => [
      ...move('completed')(t),
      `Moves ${route(t)}: the origin is decremented, the destination incremented (its stock item is created if missing).`,
    ],
  },
  _cancel: {
    from: ['draft', 'upcoming', 'on_hold', 'picking', 'in_transit'],
    label: 'Cancel',
    what: (t) => [
      ...move('cancelled')(t),
      `The hold on ${t.origin_stock_location?.name ?? 'the origin'} is released; no stock moves.`,
    ],
  },
};

export const RETURN = {
  _request: { from: ['draft'], label: 'Request', what: move('requested') },
  _approve: { from: ['requested'], label: 'Approve', what: move('approved') },
  _ship: { from: ['approved'], label: 'Shipped back', what: move('shipped') },
  _receive: { from: ['approved', 'shipped'], label: 'Receive', what: move('received') },
  _restock: {
    from: ['received'],
    label: 'Restock',
    what: (r) => [`Put every returned unit of ${r.number} back into stock at ${where(r)} (once).`],
  },
  _cancel: { from: ['draft', 'requested', 'approved'], label: 'Cancel', what: move('cancelled') },
};

/** The triggers of `machine` that `status` allows, as `[name, spec]`. */
export const allowed = (machine, status) => Object.entries(machine).filter(([, t]) => t.from.includes(status));

/**
 * State machines of shipments, stock transfers and returns, as data: trigger → edge. A trigger whose
 * target state is already reached is a harmless repeat; from any state not listed it is illegal.
 *
 * @example
 *   step(SHIPMENT, '_ship', 'ready_to_ship') // 'apply'
 */
export interface Edge {
  from: readonly string[];
  to: string;
  /** Timestamp column set when the edge is taken. */
  stamp?: string;
}

export type Machine = Record<string, Edge>;

export function step(machine: Machine, trigger: string, status: string): 'apply' | 'repeat' | 'illegal' {
  const e = machine[trigger];
  if (!e) return 'illegal';
  if (status === e.to) return 'repeat';
  return e.from.includes(status) ? 'apply' : 'illegal';
}

/** Shipments (docs/transfers-and-returns.md#shipment-states). */
export const SHIPMENT: Machine = {
  _upcoming: { from: ['draft'], to: 'upcoming' },
  _on_hold: { from: ['upcoming', 'picking'], to: 'on_hold', stamp: 'on_hold_at' },
  _picking: { from: ['upcoming', 'on_hold', 'packing'], to: 'picking', stamp: 'picking_at' },
  _packing: { from: ['picking'], to: 'packing', stamp: 'packing_at' },
  _ready_to_ship: { from: ['packing'], to: 'ready_to_ship', stamp: 'ready_to_ship_at' },
  _ship: { from: ['ready_to_ship'], to: 'shipped', stamp: 'shipped_at' },
  _deliver: { from: ['shipped'], to: 'delivered', stamp: 'delivered_at' },
  _cancel: {
    from: ['draft', 'upcoming', 'on_hold', 'picking', 'packing', 'ready_to_ship'],
    to: 'cancelled',
    stamp: 'cancelled_at',
  },
};

/** Stock transfers (docs/transfers-and-returns.md#transfer-states; `_complete` allowed from picking too). */
export const TRANSFER: Machine = {
  _upcoming: { from: ['draft'], to: 'upcoming' },
  _on_hold: { from: ['upcoming'], to: 'on_hold', stamp: 'on_hold_at' },
  _picking: { from: ['upcoming', 'on_hold'], to: 'picking', stamp: 'picking_at' },
  _in_transit: { from: ['picking'], to: 'in_transit', stamp: 'in_transit_at' },
  _complete: { from: ['picking', 'in_transit'], to: 'completed', stamp: 'completed_at' },
  _cancel: { from: ['draft', 'upcoming', 'on_hold', 'picking', 'in_transit'], to: 'cancelled', stamp: 'cancelled_at' },
};

export const OPEN_TRANSFER = ['draft', 'upcoming', 'on_hold', 'picking', 'in_transit'];

/** A transfer holds its units on the origin from upcoming until it completes; a draft holds nothing. */
export const HOLDING_TRANSFER = ['upcoming', 'on_hold', 'picking', 'in_transit'];

/** Returns (docs/transfers-and-returns.md#returns); `_restock` is separate (it needs a received return). */
export const RETURN: Machine = {
  _request: { from: ['draft'], to: 'requested' },
  _approve: { from: ['requested'], to: 'approved', stamp: 'approved_at' },
  _ship: { from: ['approved'], to: 'shipped' },
  _receive: { from: ['approved', 'shipped'], to: 'received', stamp: 'received_at' },
  _cancel: { from: ['draft', 'requested', 'approved'], to: 'cancelled', stamp: 'cancelled_at' },
};

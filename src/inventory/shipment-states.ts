/**
 * Shipment state machine (spec §4.4 [INF edges]): trigger → (from states → to state).
 * Pure data; the service applies a transition with one conditional UPDATE.
 */
export const SHIPMENT_TRANSITIONS: Record<string, { from: readonly string[]; to: string; stamp?: string }> = {
  _upcoming: { from: ['draft'], to: 'upcoming' },
  _on_hold: { from: ['upcoming', 'picking'], to: 'on_hold', stamp: 'on_hold_at' },
  _picking: { from: ['upcoming', 'on_hold', 'packing'], to: 'picking', stamp: 'picking_at' },
  _packing: { from: ['picking'], to: 'packing', stamp: 'packing_at' },
  _ready_to_ship: { from: ['packing'], to: 'ready_to_ship', stamp: 'ready_to_ship_at' },
  _ship: { from: ['ready_to_ship'], to: 'shipped', stamp: 'shipped_at' },
  _deliver: { from: ['shipped'], to: 'delivered', stamp: 'delivered_at' },
  _cancel: { from: ['draft', 'upcoming', 'on_hold', 'picking', 'packing', 'ready_to_ship'], to: 'cancelled', stamp: 'cancelled_at' },
};

export type Transition = 'apply' | 'repeat' | 'illegal';

/** A trigger whose target state is already reached is a harmless repeat; one from any other state is illegal. */
export function transition(trigger: string, status: string): Transition {
  const t = SHIPMENT_TRANSITIONS[trigger];
  if (!t) return 'illegal';
  if (status === t.to) return 'repeat';
  return t.from.includes(status) ? 'apply' : 'illegal';
}

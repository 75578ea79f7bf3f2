/** Stock transfer state machine (spec §4.4; `_complete` allowed from picking too [INF]). */
export const TRANSFER_TRANSITIONS: Record<string, { from: readonly string[]; to: string; stamp?: string }> = {
  _upcoming: { from: ['draft'], to: 'upcoming' },
  _on_hold: { from: ['upcoming'], to: 'on_hold', stamp: 'on_hold_at' },
  _picking: { from: ['upcoming', 'on_hold'], to: 'picking', stamp: 'picking_at' },
  _in_transit: { from: ['picking'], to: 'in_transit', stamp: 'in_transit_at' },
  _complete: { from: ['picking', 'in_transit'], to: 'completed', stamp: 'completed_at' },
  _cancel: { from: ['draft', 'upcoming', 'on_hold', 'picking', 'in_transit'], to: 'cancelled', stamp: 'cancelled_at' },
};

export const OPEN_TRANSFER = ['draft', 'upcoming', 'on_hold', 'picking', 'in_transit'];

export function transferTransition(trigger: string, status: string): 'apply' | 'repeat' | 'illegal' {
  const t = TRANSFER_TRANSITIONS[trigger];
  if (!t) return 'illegal';
  if (status === t.to) return 'repeat';
  return t.from.includes(status) ? 'apply' : 'illegal';
}

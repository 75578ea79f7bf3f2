import { eq, sql } from 'drizzle-orm';
import { newSecret } from '../lib/ids';
import type { Behaviour, Hooks, TriggerRun } from '../resources/bind';
import { col } from '../rows/statement';

/** `_disable` / `_enable`: set or clear `disabled_at`. */
const toggle =
  (on: boolean): TriggerRun =>
  async ({ tx, def, row }) => {
    await tx
      .update(def.table)
      .set({ disabled_at: on ? null : sql`now()` })
      .where(eq(col(def.table, 'id'), row.id));
  };

/** A signing secret of its own for each new record. */
const withSecret: Hooks = {
  beforeWrite: async ({ values, existing }) => {
    if (!existing) values.shared_secret = newSecret();
  },
};

export const markets: Behaviour = { triggers: { _disable: toggle(false), _enable: toggle(true) }, hooks: withSecret };

export const shippingMethods: Behaviour = markets;

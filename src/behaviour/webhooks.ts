import { and, eq, sql } from 'drizzle-orm';
import { rawClient } from '../db/client';
import { events as eventsTable } from '../db/schema/webhooks';
import type { Tx } from '../db/tx';
import { errors, type Violation } from '../jsonapi/errors';
import { violation } from '../jsonapi/violations';
import { newSecret } from '../lib/ids';
import type { Behaviour, TriggerRun } from '../resources/bind';
import { definitions } from '../resources/index';
import { topicType } from '../resources/topics';
import { col } from '../rows/statement';
import { skuIdByCode } from './sku-code';

/** Set columns of the trigger's row (the trigger's own UPDATE; the write service reads the row again). */
const setting =
  (values: Record<string, unknown>): TriggerRun =>
  async ({ tx, def, row }) => {
    await tx
      .update(def.table)
      .set(values)
      .where(eq(col(def.table, 'id'), row.id));
  };

/** Include paths that `?include=` would accept on the topic's resource type, checked as the read path walks them. */
function includeProblems(type: string, paths: string[]): Violation[] {
  const out: Violation[] = [];
  for (const path of paths) {
    let def = definitions.find((d) => d.type === type);
    for (const name of path.split('.')) {
      const r = def?.relationships[name];
      def = r && r.includable !== false && !r.virtual ? definitions.find((d) => d.type === r.type) : undefined;
    }
    if (!def) out.push(violation.unacceptable('include_resources', `${path} is not an include path of ${type}`, path));
  }
  return out;
}

async function eventId(tx: Tx, mode: string, topic: string): Promise<string> {
  const [e] = await tx
    .select({ id: eventsTable.id })
    .from(eventsTable)
    .where(and(eq(eventsTable.mode, mode), eq(eventsTable.name, topic)));
  if (!e) throw errors.validation([violation.notIncluded('topic', topic)]);
  return e.id;
}

/**
 * A secret of its own for each webhook; the topic names one of the `events`; include paths are
 * checked now, not at delivery.
 */
export const webhooks: Behaviour = {
  triggers: {
    _disable: setting({ disabled_at: sql`now()` }),
    _enable: setting({ disabled_at: null }),
    _reset_circuit: setting({ circuit_state: 'closed', circuit_failure_count: 0 }),
  },
  hooks: {
    beforeWrite: async ({ tx, ctx, values, existing }) => {
      if (!existing) values.shared_secret = newSecret();
      if (typeof values.topic === 'string') values.event_id = await eventId(tx, ctx.mode, values.topic);
      const topic = (values.topic ?? existing?.topic) as string | undefined;
      const paths = (values.include_resources ?? existing?.include_resources ?? []) as string[];
      const problems = topic ? includeProblems(topicType(topic), paths) : [];
      if (problems.length) throw errors.validation(problems);
    },
  },
};

/**
 * `_trigger`: each enabled webhook of the topic gets its own last delivery of it again — the same
 * bytes if they were sent, else rendered from the same snapshot.
 */
export const events: Behaviour = {
  triggers: {
    _trigger: async ({ tx, ctx, row }) => {
      await rawClient(
        tx,
      )`insert into webhook_deliveries (mode, webhook_id, topic, resource_type, resource_id, snapshot, payload)
        select distinct on (d.webhook_id) d.mode, d.webhook_id, d.topic, d.resource_type, d.resource_id,
          d.snapshot, d.payload
        from webhook_deliveries d join webhooks w on w.id = d.webhook_id and w.disabled_at is null
        where d.mode = ${ctx.mode} and d.topic = ${row.name} order by d.webhook_id, d.id desc`;
    },
  },
};

/** `sku_code` or the `sku` relationship; `_activate` / `_deactivate` move the status (its events follow). */
export const inStockSubscriptions: Behaviour = {
  triggers: {
    _activate: setting({ status: 'active' }),
    _deactivate: setting({ status: 'inactive' }),
  },
  hooks: {
    beforeWrite: async ({ tx, ctx, values, attributes }) => {
      if (typeof attributes.sku_code === 'string') values.sku_id = await skuIdByCode(tx, ctx.mode, attributes.sku_code);
      if (values.sku_id) {
        const [s] = await rawClient(tx)`select code from skus where id = ${values.sku_id}`;
        values.sku_code = s!.code;
      }
    },
  },
};

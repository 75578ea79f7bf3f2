import { rawClient } from '../db/client';
import type { Tx } from '../db/tx';
import { type Machine, step } from '../inventory/state-machine';
import { errors } from '../jsonapi/errors';
import { violation } from '../jsonapi/violations';
import type { Row } from '../rows/row';

/**
 * Take a state-machine edge for `row` of `table` with one UPDATE (status, its timestamp). A repeat
 * does nothing and returns false; an illegal edge is a 422 on the trigger. `effects` run first,
 * in the same transaction (stock released, moved, restocked).
 */
export async function transition(
  tx: Tx,
  table: 'shipments' | 'stock_transfers' | 'returns',
  machine: Machine,
  trigger: string,
  row: Row,
  effects?: () => Promise<void>,
): Promise<boolean> {
  const s = step(machine, trigger, row.status);
  if (s === 'repeat') return false;
  const noun = table === 'stock_transfers' ? 'stock transfer' : table.slice(0, -1);
  if (s === 'illegal') throw errors.validation([violation.invalidTransition(trigger, row.status, noun)]);
  await effects?.();
  const { to, stamp } = machine[trigger]!;
  const sql = rawClient(tx);
  await sql`update ${sql(table)} set status = ${to}, ${stamp ? sql`${sql(stamp)} = now(),` : sql``} updated_at = now()
    where id = ${row.id}`;
  return true;
}

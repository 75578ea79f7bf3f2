import type postgres from 'postgres';
import { newId } from '../lib/ids';
import type { Registry } from '../resources/registry';
import { topicsOf } from '../resources/topics';

/**
 * The `events` catalogue: one record per topic of a served type, in each mode, added at start when
 * missing (ids are random, so they are made here and kept). Any number of processes may run it at once.
 */
export async function seedEvents(sql: postgres.Sql, reg: Registry): Promise<void> {
  const names = topicsOf((type) => !!reg.get(type));
  const rows = ['test', 'live'].flatMap((mode) => names.map((name) => ({ id: newId(), mode, name })));
  await sql`insert into events (id, mode, name)
    select * from unnest(${rows.map((r) => r.id)}::text[], ${rows.map((r) => r.mode)}::text[],
      ${rows.map((r) => r.name)}::text[])
    on conflict (mode, name) do nothing`;
}

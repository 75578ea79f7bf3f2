import { and, eq, getTableName, SQL, sql } from 'drizzle-orm';
import type { RequestContext } from '../auth/context';
import { type Db, rawClient } from '../db/client';
import { translateDbError } from '../db/errors';
import { currentWriteScope } from '../db/scope';
import type { Tx } from '../db/tx';
import type { ParsedDocument } from '../jsonapi/document';
import { ApiError, errors } from '../jsonapi/errors';
import { newId } from '../lib/ids';
import type { BoundDefinition } from '../resources/bind';
import type { ResourceDefinition } from '../resources/define';
import type { Registry } from '../resources/registry';
import { findInMode, inMode, lockVisibleOr401 } from '../rows/find';
import type { Row } from '../rows/row';
import { col } from '../rows/statement';
import { checkInput, requireRelationships } from './input';

export interface WriteDeps {
  db: Db;
  reg: Registry;
}

/** Run a write in one transaction and translate database errors at the edge (nothing is half-written). */
export async function inTransaction<T>(
  deps: WriteDeps,
  def: ResourceDefinition,
  op: 'create' | 'update' | 'delete',
  _ctx: RequestContext,
  fn: (tx: Tx) => Promise<T>,
): Promise<T> {
  try {
    let answer: ApiError | undefined;
    const attempt = () =>
      deps.db.transaction(async (tx) => {
        try {
          return await fn(tx);
        } catch (e) {
          if (!(e instanceof ApiError && e.commitFirst)) throw e;
          answer = e;
          return undefined as T;
        }
      });
    const scope = currentWriteScope();
    const result = await attempt().catch((e) => {
      // an optimistic placement lost its stock to another one: once more, locking stock first
      if (!scope?.raced) throw e;
      scope.raced = false;
      scope.lockStock = true;
      return attempt();
    });
    if (answer) throw answer;
    return result;
  } catch (e) {
    const pointerFor = (f: string) => (def.relationships[f] ? `/data/relationships/${f}` : `/data/attributes/${f}`);
    throw translateDbError(e, { uniques: def.uniques, op, lockedMessage: def.lockedMessage, pointerFor }) ?? e;
  }
}

function checkDomain(def: ResourceDefinition, record: Row, ctx: RequestContext) {
  requireRelationships(def, record);
  const v = def.validate?.(record, ctx) ?? [];
  if (v.length) throw errors.validation(v);
}

async function runTriggers(
  tx: Tx,
  def: BoundDefinition,
  ctx: RequestContext,
  row: Row,
  triggers: string[],
  attributes: Record<string, unknown>,
) {
  for (const name of triggers) await def.triggers[name]!.run({ tx, ctx, def, row, attributes });
}

/**
 * Triggers and hooks may change the row after it was written; it is then read again once the
 * transaction has committed, so no read holds the transaction's locks any longer than needed.
 */
async function reread(
  deps: WriteDeps,
  def: ResourceDefinition,
  ctx: RequestContext,
  r: { row: Row; stale: boolean },
): Promise<Row> {
  if (!r.stale) return r.row;
  // by id in the caller's mode, not its scope: a sales channel cancelling its order sees the result
  return (await findInMode(deps.db, def, ctx, r.row.id)) ?? r.row;
}

export async function createResource(
  deps: WriteDeps,
  def: BoundDefinition,
  doc: ParsedDocument,
  ctx: RequestContext,
): Promise<Row> {
  return reread(
    deps,
    def,
    ctx,
    await inTransaction(deps, def, 'create', ctx, async (tx) => {
      const input = await checkInput(tx, deps.reg, def, doc, 'create', ctx);
      await def.hooks.beforeWrite?.({ tx, ctx, values: input.values, attributes: input.attributes });
      checkDomain(def, withDefaults(def, input.values), ctx);
      const [row] = await tx
        .insert(def.table)
        .values({ ...input.values, id: newId(), mode: ctx.mode })
        .returning();
      await def.hooks.afterWrite?.({ tx, ctx, values: input.values, attributes: input.attributes, row: row as Row });
      await recordVersion(tx, def, ctx, (row as Row).id, 'create', undefined, input.values, input.triggers);
      await runTriggers(tx, def, ctx, row as Row, input.triggers, input.attributes);
      return { row: row as Row, stale: input.triggers.length > 0 || !!def.hooks.afterWrite };
    }),
  );
}

export async function updateResource(
  deps: WriteDeps,
  def: BoundDefinition,
  id: string,
  doc: ParsedDocument,
  ctx: RequestContext,
): Promise<Row> {
  return reread(
    deps,
    def,
    ctx,
    await inTransaction(deps, def, 'update', ctx, async (tx) => {
      const existing = await lockVisibleOr401(tx, def, ctx, id);
      const input = await checkInput(tx, deps.reg, def, doc, 'update', ctx);
      await def.hooks.beforeWrite?.({ tx, ctx, values: input.values, attributes: input.attributes, existing });
      let row = existing;
      // statements whose results nothing waits for are pipelined on the transaction's connection
      // (sent now, checked before commit): a trigger such as _place does not pay their round trips
      const pipelined: Promise<unknown>[] = [];
      const pipeline = (p: Promise<unknown>) => {
        p.catch(() => {}); // awaited below; never an unhandled rejection meanwhile
        pipelined.push(p);
      };
      const bump = sql`now()`;
      if (Object.keys(input.values).length) {
        checkDomain(def, { ...existing, ...input.values }, ctx);
        const [updated] = await tx
          .update(def.table)
          .set({ ...input.values, updated_at: bump })
          .where(and(inMode(def, ctx), eq(col(def.table, 'id'), id)))
          .returning();
        row = updated as Row;
      } else if (input.triggers.some((name) => !def.triggers[name]!.touchesRow)) {
        pipeline(
          rawClient(tx)
            .unsafe(`update "${getTableName(def.table)}" set updated_at = now() where mode = $1 and id = $2`, [
              ctx.mode,
              id,
            ])
            .execute(),
        );
      }
      await def.hooks.afterWrite?.({ tx, ctx, values: input.values, attributes: input.attributes, existing, row });
      pipeline(recordVersion(tx, def, ctx, id, 'update', existing, input.values, input.triggers));
      try {
        await runTriggers(tx, def, ctx, row, input.triggers, input.attributes);
      } catch (e) {
        // a pipelined failure aborts the transaction first: report that one
        const failed = (await Promise.allSettled(pipelined)).find((r) => r.status === 'rejected');
        throw failed ? (failed as PromiseRejectedResult).reason : e;
      }
      await Promise.all(pipelined);
      return { row, stale: input.triggers.length > 0 || !!def.hooks.afterWrite };
    }),
  );
}

export async function deleteResource(
  deps: WriteDeps,
  def: BoundDefinition,
  id: string,
  ctx: RequestContext,
): Promise<void> {
  await inTransaction(deps, def, 'delete', ctx, async (tx) => {
    const row = await lockVisibleOr401(tx, def, ctx, id);
    await def.hooks.beforeDelete?.({ tx, ctx, row });
    await tx.delete(def.table).where(and(inMode(def, ctx), eq(col(def.table, 'id'), id)));
    await recordVersion(tx, def, ctx, id, 'destroy', row, {});
  });
}

/**
 * One version per write: `changes` maps each written attribute (and trigger) to
 * [before, after]; `who` names the application. Same transaction as the write.
 */
async function recordVersion(
  tx: Tx,
  def: ResourceDefinition,
  ctx: RequestContext,
  id: string,
  event: 'create' | 'update' | 'destroy',
  before: Row | undefined,
  values: Row,
  triggers: string[] = [],
) {
  if (def.versioned === false) return;
  const changes: Record<string, [unknown, unknown]> = {};
  for (const [k, v] of Object.entries(values)) {
    if (v instanceof SQL) continue; // computed by the database (e.g. expires_at): not a client's change
    const old = before?.[k] ?? null;
    if (JSON.stringify(old) !== JSON.stringify(v)) changes[k] = [old, v];
  }
  for (const t of triggers) changes[t] = [null, true];
  if (event === 'update' && !Object.keys(changes).length) return;
  // the stock ledger's movements of this transaction carry the same txid: this row says who and which request
  const who = {
    application: { id: ctx.caller.applicationId, kind: ctx.caller.kind, public: ctx.caller.kind === 'sales_channel' },
    request_id: ctx.requestId,
  };
  await rawClient(tx)`insert into versions (id, mode, resource_type, resource_id, event, changes, who)
    values (${newId()}, ${ctx.mode}, ${def.type}, ${id}, ${event},
      ${JSON.stringify(changes)}::jsonb, ${JSON.stringify(who)}::jsonb)`;
}

/** Defaults of the definition applied for validation of a new record (the database applies them on insert). */
function withDefaults(def: ResourceDefinition, values: Row): Row {
  const r: Row = {};
  for (const [name, a] of Object.entries(def.attributes)) if (a.default !== undefined) r[name] = a.default;
  return { ...r, ...values };
}

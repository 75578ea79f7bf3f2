import type { RequestContext } from '../auth/context';
import { rawClient } from '../db/client';
import type { Tx } from '../db/tx';
import { errors } from '../jsonapi/errors';
import { violation } from '../jsonapi/violations';
import { decrementOrder, releaseLineStock, reserveLineStock, type SliScope } from './stock-moves';

const ACTIONS = {
  _decrement_stock: decrementOrder,
  _release_stock: releaseLineStock,
  _reserve_stock: reserveLineStock,
} as const;

export type ManualStock = keyof typeof ACTIONS;

/**
 * Manual stock triggers on shipments and stock line items (`manual_stock_decrement`):
 * `_decrement_stock` takes the units off and drops the hold, once; `_release_stock` drops the hold;
 * `_reserve_stock` holds again. Only while the order's fulfillment is in progress.
 */
export async function manualStock(
  tx: Tx,
  ctx: RequestContext,
  name: ManualStock,
  orderId: string,
  scope: SliScope,
): Promise<void> {
  const order = await fulfilling(tx, ctx, orderId, name);
  await ACTIONS[name](tx, ctx.mode, order, scope);
}

async function fulfilling(tx: Tx, ctx: RequestContext, orderId: string, name: string): Promise<string> {
  const [o] = await rawClient(
    tx,
  )`select id, fulfillment_status from orders where id = ${orderId} and mode = ${ctx.mode}`;
  if (o?.fulfillment_status !== 'in_progress') {
    throw errors.validation([violation.invalidTransition(name, o?.fulfillment_status ?? 'unknown', 'order')]);
  }
  return o.id as string;
}

import { and, eq, sql } from 'drizzle-orm';
import { rawClient } from '../db/client';
import { lineItems } from '../db/schema/orders';
import { returns as returnsTable } from '../db/schema/returns';
import { RETURN } from '../inventory/state-machine';
import { errors } from '../jsonapi/errors';
import { relationship, violation } from '../jsonapi/violations';
import type { Behaviour, TriggerRun } from '../resources/bind';
import { restockReturn } from '../services/stock-moves';
import { transition } from '../services/transition';

/** Restocking needs a received return. */
const received = (status: string, trigger: string) => {
  if (status !== 'received') throw errors.validation([violation.invalidTransition(trigger, status, 'return')]);
};

/** A return is numbered after its order and goes to the model's first return location unless one is given. */
export const returns: Behaviour = {
  triggers: {
    ...Object.fromEntries(
      Object.keys(RETURN).map((name): [string, TriggerRun] => [
        name,
        async ({ tx, row }) => void (await transition(tx, 'returns', RETURN, name, row)),
      ]),
    ),
    _restock: async ({ tx, ctx, row }) => {
      received(row.status, '_restock');
      await restockReturn(tx, ctx.mode, row.id);
      await tx.execute(
        sql`update returns set restocked_at = coalesce(restocked_at, now()), updated_at = now() where id = ${row.id}`,
      );
    },
  },
  hooks: {
    beforeWrite: async ({ tx, ctx, values, existing }) => {
      if (existing) return;
      const sqlc = rawClient(tx);
      const [o] =
        await sqlc`select o.number, o.status, im.id as model from orders o join markets m on m.id = o.market_id
        join inventory_models im on im.id = m.inventory_model_id where o.id = ${values.order_id}`;
      if (!['approved'].includes(o!.status))
        throw errors.validation([
          violation.inStatus(relationship('order'), o!.status, 'only approved orders can be returned'),
        ]);
      if (!values.stock_location_id) {
        const [irl] =
          await sqlc`select stock_location_id from inventory_return_locations where inventory_model_id = ${o!.model}
            and mode = ${ctx.mode} order by priority, created_at, id limit 1`;
        if (!irl)
          throw errors.validation([
            violation.noDefault(relationship('stock_location'), "the market's inventory model has no return locations"),
          ]);
        values.stock_location_id = irl.stock_location_id;
      }
      const [{ n }] =
        (await sqlc`select count(*)::int + 1 as n from returns where order_id = ${values.order_id}`) as unknown as [
          { n: number },
        ];
      values.number = `#${o!.number}/R/${String(n).padStart(3, '0')}`;
    },
  },
};

/** A returned quantity of one line item: at most what shipped, less what other returns took. */
export const returnLineItems: Behaviour = {
  triggers: {
    _restock: async ({ tx, ctx, row }) => {
      const [ret] = await tx
        .select({ status: returnsTable.status })
        .from(returnsTable)
        .where(eq(returnsTable.id, row.return_id));
      received(ret!.status, '_restock');
      await restockReturn(tx, ctx.mode, row.return_id, row.id);
    },
  },
  hooks: {
    beforeWrite: async ({ tx, values, existing }) => {
      if (existing && !Object.keys(values).length) return; // a trigger alone (_restock)
      const returnId = values.return_id ?? existing!.return_id;
      const lineId = values.line_item_id ?? existing!.line_item_id;
      const [ret] = await tx.select().from(returnsTable).where(eq(returnsTable.id, returnId)).for('update');
      if (!['draft', 'requested'].includes(ret!.status))
        throw errors.validation([
          violation.inStatus(relationship('return'), ret!.status, 'its lines can no longer change'),
        ]);
      const [li] = await tx
        .select({ sku_code: lineItems.sku_code })
        .from(lineItems)
        .where(and(eq(lineItems.id, lineId), eq(lineItems.order_id, ret!.order_id)));
      if (!li)
        throw errors.validation([
          violation.unacceptable(relationship('line_item'), "is not a line item of the return's order"),
        ]);
      values.sku_code = li.sku_code;
      const [{ shipped, returned }] = (await rawClient(tx)`
        select (select coalesce(sum(s.quantity), 0)::int
                 from stock_line_items s join shipments sh on sh.id = s.shipment_id
                 where s.line_item_id = ${lineId} and sh.status in ('shipped', 'delivered')) as shipped,
               (select coalesce(sum(x.quantity), 0)::int from return_line_items x join returns y on y.id = x.return_id
                 where x.line_item_id = ${lineId} and y.status <> 'cancelled'
                   and x.id <> ${existing?.id ?? ''}) as returned`) as unknown as [
        { shipped: number; returned: number },
      ];
      const quantity = (values.quantity ?? existing!.quantity) as number;
      if (quantity > shipped - returned) {
        throw errors.validation([
          violation.atMost('quantity', shipped - returned, quantity, 'shipped and not yet returned'),
        ]);
      }
    },
  },
};

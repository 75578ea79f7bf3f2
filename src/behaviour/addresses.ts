import { sql } from 'drizzle-orm';
import { errors } from '../jsonapi/errors';
import type { Behaviour } from '../resources/bind';

/** A sales channel may change an address only while every order using it may still change (draft or pending). */
export const addresses: Behaviour = {
  hooks: {
    beforeWrite: async ({ tx, ctx, existing }) => {
      if (!existing || ctx.caller.kind !== 'sales_channel') return;
      const [used] = await tx.execute(sql`select 1 from orders
        where (shipping_address_id = ${existing.id} or billing_address_id = ${existing.id}) and status not in
          ('draft', 'pending') limit 1`);
      if (used) throw errors.unauthorized();
    },
  },
};

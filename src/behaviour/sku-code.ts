import { and, eq } from 'drizzle-orm';
import { skus } from '../db/schema/catalog';
import type { Tx } from '../db/tx';
import { errors } from '../jsonapi/errors';
import { violation } from '../jsonapi/violations';

/**
 * `sku_code` stands in for the `sku` relationship (line items, stock items, stock transfers): the
 * SKU of that code in the caller's mode, or a 422 on `sku_code`.
 */
export async function skuIdByCode(tx: Tx, mode: string, code: string): Promise<string> {
  const [s] = await tx
    .select({ id: skus.id })
    .from(skus)
    .where(and(eq(skus.mode, mode), eq(skus.code, code)))
    .limit(1);
  if (!s) throw errors.validation([violation.notValid('sku_code', 'SKU code', code)]);
  return s.id;
}

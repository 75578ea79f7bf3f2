import type { Db } from './client';

/** A Drizzle transaction (or the pool itself for single statements). */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0] | Db;

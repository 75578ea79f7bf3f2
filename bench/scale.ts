import { checkInvariants } from '../src/services/check';
import { type Figures, freePort, load, startProcess, stopProcess, table } from './lib';
import { placeLoad } from './place-load';
import { alternate, median, ROUNDS } from './rounds';
import { MARKED, openSize, rssMb, type Size } from './scale-seed';

/**
 * `npm run bench -- scale`: the same reads and placements at 10,000 SKUs × 10 stock locations and at
 * SCALE_SKUS (default 1,000,000) × 10, both catalogues and their servers up side by side (response
 * cache off): availability of single SKUs spread uniformly (cache misses), list pages with inventory
 * (first and deep pages, sales channel and integration), filtered lists with as many matches at both
 * sizes, and `_place` of 3-line orders over the whole catalogue. Each row runs in rounds alternated
 * between the sizes (bench/rounds.ts): its ratio is the median of the rounds' large/small ratios, so
 * both sizes meet the same neighbours. The small size is also compared with a bare Fastify route
 * answering the same body, measured once before its rounds.
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 10;
const PLACE_CONNECTIONS = 50;
const ORDERS_PER_ROUND = 1000;
const WARM_ORDERS = 200;

type Case = { name: string; token: 'sc' | 'integ'; paths: (skus: number) => string[] };

const spread = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i));
const pick = (i: number, count: number) => (i * 7919) % count;
/** Codes of `d − 2` digits at a catalogue of `d`-digit size: SKU n and SKU n0…n9 start with them (11 matches). */
const prefix = (skus: number, i: number) => {
  const lo = 10 ** (String(skus).length - 3);
  return lo + pick(i, 9 * lo);
};

const CASES: Case[] = [
  {
    name: 'GET /api/skus/{id}, uniform',
    token: 'sc',
    paths: (n) => spread(1000, (i) => `/api/skus/S${String(1 + pick(i, n)).padStart(9, '0')}`),
  },
  { name: 'skus page 1, inventory (sales channel)', token: 'sc', paths: () => [listPage(1)] },
  {
    name: 'skus deep pages, inventory (sales channel)',
    token: 'sc',
    paths: (n) => spread(50, (i) => listPage(1 + pick(i, n / 25))),
  },
  {
    name: 'skus page 1 (integration)',
    token: 'integ',
    paths: () => ['/api/skus?fields[skus]=code,name&page[size]=25'],
  },
  {
    name: 'skus deep pages, inventory (integration)',
    token: 'integ',
    paths: (n) => spread(50, (i) => listPage(1 + pick(i, n / 25))),
  },
  {
    name: 'skus code_start, 11 matches (integration)',
    token: 'integ',
    paths: (n) => spread(50, (i) => `/api/skus?filter[q][code_start]=sku${prefix(n, i)}`),
  },
  {
    name: 'skus code_eq (sales channel)',
    token: 'sc',
    paths: (n) => spread(50, (i) => `/api/skus?filter[q][code_eq]=SKU${1 + pick(i, n)}`),
  },
  {
    name: `skus name_cont, ${MARKED} matches (integration)`,
    token: 'integ',
    paths: () => ['/api/skus?filter[q][name_cont]=linen'],
  },
  {
    name: 'stock_items sku_code_in (integration)',
    token: 'integ',
    paths: (n) => spread(50, (i) => `/api/stock_items?filter[q][sku_code_in]=SKU${1 + pick(i, n)}`),
  },
];

function listPage(page: number) {
  return `/api/skus?fields[skus]=code,inventory&page[size]=25&page[number]=${page}`;
}

const label = (s: Size) => (s.skus >= 1e6 ? `${s.skus / 1e6}M` : `${s.skus / 1000}k`);
const headersOf = (s: Size, token: 'sc' | 'integ') => ({
  accept: 'application/vnd.api+json',
  'content-type': 'application/vnd.api+json',
  authorization: `Bearer ${s[token]}`,
});

/** The bare Fastify route answering `sample` on `path`, loaded with `paths` for 2 s. */
async function bareRoute(
  name: string,
  sample: string,
  path: string,
  paths: string[],
  headers: Record<string, string>,
  method = 'GET',
) {
  const port = await freePort();
  const bare = await startProcess(
    ['bench/bare.ts'],
    { PORT: String(port), BARE_BODY: sample, BARE_PATH: path, BARE_METHOD: method },
    'bare ready',
  );
  try {
    if (method === 'GET')
      return await load(name, `http://127.0.0.1:${port}`, paths, headers, 2, bare.pid, undefined, CONNECTIONS);
    return await placeLoad(name, `http://127.0.0.1:${port}`, paths, headers, { seconds: 2, serverPid: bare.pid });
  } finally {
    await stopProcess(bare);
  }
}

/** Buffer reads of a size's whole database so far: from outside shared buffers (OS cache or disk), and hits. */
async function blocks(s: Size): Promise<{ read: number; hit: number }> {
  const [b] = await s.sql<{ read: number; hit: number }[]>`select blks_read::float8 as read, blks_hit::float8 as hit
    from pg_stat_database where datname = current_database()`;
  return b!;
}

/**
 * Runs a row's rounds at both sizes (`run` returns each load's figures, warm-ups included) and notes,
 * per size, the blocks PostgreSQL read from outside its shared buffers and found in them, per request:
 * the database's counters over the whole row, read once its backends have flushed them (within 1 s of
 * going idle), so background work (the stock watcher, autovacuum) is in them too.
 */
async function counted<T>(
  name: string,
  sizes: Size[],
  notes: string[],
  run: (tally: (s: Size, f: Figures) => Figures) => Promise<T>,
): Promise<T> {
  const before = await Promise.all(sizes.map(blocks));
  const requests = new Map<Size, number>();
  const result = await run((s, f) => {
    requests.set(s, (requests.get(s) ?? 0) + (f.requests ?? 0));
    return f;
  });
  await new Promise((r) => setTimeout(r, 2_000));
  const after = await Promise.all(sizes.map(blocks));
  const per = sizes.map((s, i) => {
    const n = Math.max(1, requests.get(s) ?? 0);
    const [read, hit] = [(after[i]!.read - before[i]!.read) / n, (after[i]!.hit - before[i]!.hit) / n];
    return `${label(s)} ${read.toFixed(1)} read, ${hit.toFixed(0)} hit`;
  });
  notes.push(`${name}: blocks per request, ${per.join('; ')}`);
  return result;
}

/** The first answer of a case at one size (a 200, or the bench stops); its `meta` noted. */
async function sample(c: Case, s: Size, notes: string[]): Promise<string> {
  const res = await fetch(`${s.base}${c.paths(s.skus)[0]}`, { headers: headersOf(s, c.token) });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`${c.name} @${label(s)}: ${res.status} ${body}`);
  const meta = JSON.parse(body).meta;
  if (meta) notes.push(`${label(s)}, ${c.name}: record_count ${meta.record_count}, page_count ${meta.page_count}`);
  return body;
}

/** A read case: the bare route, then the small and the large size alternated round by round. */
async function readRows(c: Case, small: Size, large: Size, notes: string[]): Promise<Figures[]> {
  const body = await sample(c, small, notes);
  await sample(c, large, notes);
  const path = c
    .paths(small.skus)[0]!
    .split('?')[0]!
    .replace(/S\d{9}$/, ':id');
  const bare = await bareRoute(`${c.name}: bare route`, body, path, c.paths(small.skus), headersOf(small, c.token));
  const { bare: low, row: high } = await counted(c.name, [small, large], notes, (tally) => {
    const at = (s: Size) => () => {
      const run = (name: string, seconds: number, measured: boolean) =>
        load(
          name,
          s.base,
          c.paths(s.skus),
          headersOf(s, c.token),
          seconds,
          measured ? s.server.pid : undefined,
          measured ? s.dbPid : undefined,
          CONNECTIONS,
          true,
        ).then((f) => tally(s, f));
      return run('warm-up', 1, false).then(() => run(`${c.name} @${label(s)}`, SECONDS, true));
    };
    return alternate(at(small), at(large));
  });
  return [bare, { ...low, vs: bare }, high];
}

/** `_place` at both sizes, alternated, each round placing its own slice of the orders; then the invariant check. */
async function placeRows(small: Size, large: Size, notes: string[]): Promise<Figures[]> {
  const name = '_place, 3 lines, SKUs uniform';
  const headers = (s: Size) => headersOf(s, 'integ');
  const body = await (await fetch(`${small.base}/api/orders/${small.orders[0]}`, { headers: headers(small) })).text();
  const bare = await bareRoute(`${name}: bare route`, body, '/api/orders/:id', small.orders, headers(small), 'PATCH');
  const { bare: low, row: high } = await counted(name, [small, large], notes, async (tally) => {
    for (const s of [small, large])
      tally(
        s,
        await placeLoad('warm-up', s.base, s.orders.slice(0, WARM_ORDERS), headers(s), {
          connections: PLACE_CONNECTIONS,
        }),
      );
    const at = (s: Size) => (r: number) =>
      placeLoad(
        `${name} @${label(s)}`,
        s.base,
        s.orders.slice(WARM_ORDERS + r * ORDERS_PER_ROUND, WARM_ORDERS + (r + 1) * ORDERS_PER_ROUND),
        headers(s),
        { serverPid: s.server.pid, dbPid: s.dbPid, connections: PLACE_CONNECTIONS, tree: true },
      ).then((f) => tally(s, f));
    return alternate(at(small), at(large));
  });
  for (const s of [small, large]) {
    const t0 = Date.now();
    const drift = await checkInvariants(s.sql);
    const [placed] = await s.sql`select count(*)::int as n from orders where status = 'placed'`;
    const verdict = drift.length ? `${drift.length} DRIFT` : 'clean (no oversell)';
    const took = ((Date.now() - t0) / 1000).toFixed(1);
    notes.push(`${label(s)}: ${placed!.n}/${s.orders.length} orders placed, invariant check ${verdict} in ${took} s`);
  }
  return [bare, { ...low, vs: bare }, high];
}

export default async function scaleBench() {
  const orders = WARM_ORDERS + ROUNDS * ORDERS_PER_ROUND;
  const small = await openSize(10_000, orders);
  let large: Size | undefined;
  try {
    large = await openSize(Number(process.env.SCALE_SKUS ?? 1_000_000), orders);
    const notes = [...small.notes, ...large.notes];
    const rows: Figures[] = [];
    for (const c of CASES) rows.push(...(await readRows(c, small, large, notes)));
    rows.push(...(await placeRows(small, large, notes)));
    for (const s of [small, large])
      notes.push(`${label(s)}: server RSS ${rssMb(s.server.pid)?.toFixed(0)} MB after the runs`);
    const big = rows.filter((_, i) => i % 3 === 2);
    const verdicts = big.map(
      (r) =>
        `${r.name.padEnd(56)} ${(r.ratios ? median(r.ratios) : 0).toFixed(2)} of ${label(small)} ` +
        `(rounds ${r.ratios?.map((x) => x.toFixed(2)).join(' ')}), p99 ${r.p99} ms`,
    );
    process.stdout.write(
      `\nscale: ${CONNECTIONS} connections for reads (${PLACE_CONNECTIONS} for _place), ${SECONDS} s per read ` +
        `round, ${ORDERS_PER_ROUND} orders per _place round, ${ROUNDS} rounds per size alternated ` +
        `(bench/rounds.ts), response cache off. Each case: its bare route (measured once), the small size ` +
        `against it, then the large size against the small one's rounds (ratio: the rounds' median)\n` +
        `${table(rows)}\n${notes.join('\n')}\n` +
        `large vs small (within 1.2× means 0.83 or more):\n${verdicts.join('\n')}\n`,
    );
  } finally {
    await large?.close();
    await small.close();
  }
}

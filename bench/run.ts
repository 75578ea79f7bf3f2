export {};

/** `npm run bench -- NAME`: benchmarks print their figure next to a bare baseline measured in the same run. */
const benches: Record<string, () => Promise<{ default: () => Promise<void> }>> = {
  availability: () => import('./availability'),
  faults: () => import('./faults'),
  warm: () => import('./warm'),
  place: () => import('./place'),
  scale: () => import('./scale'),
  check: () => import('./check'),
  import: () => import('./import'),
};

const name = process.argv[2];
const bench = name ? benches[name] : undefined;
if (!bench) {
  process.stderr.write(`usage: npm run bench -- ${Object.keys(benches).join('|')}\n`);
  process.exit(2);
}
await (await bench()).default();

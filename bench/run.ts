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
// a bench that ends early (its process exiting with work pending, or returning without a figure)
// says so and fails, rather than leaving a run with no output and a status of 0
let finished = false;
let wrote = 0;
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
  wrote += chunk.length;
  return write(chunk, ...rest);
}) as typeof process.stdout.write;
process.on('exit', (code) => {
  if (finished) return;
  process.stderr.write(`bench ${name} ended before it finished (exit code ${code})\n`);
  process.exitCode = code || 1;
});
await (await bench()).default();
finished = true;
if (!wrote) {
  process.stderr.write(`bench ${name} returned without printing a figure\n`);
  process.exitCode = 1;
}

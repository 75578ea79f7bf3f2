// The layering of src/ that the README's Development section draws, checked: each rule names a
// folder (or top-level file) of src/ and what it must never import, so an arrow that would run
// back up fails `npm run lint` instead of growing quietly. Import cycles are madge's (`npm run cycles`).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ABOVE_ROWS = [
  'resources',
  'query',
  'services',
  'jobs',
  'behaviour',
  'events',
  'http',
  'auth/routes.ts',
  'wiring.ts',
  'app.ts',
];
const rules = {
  inventory: [
    'db',
    'jsonapi',
    'rows',
    'resources',
    'query',
    'services',
    'jobs',
    'behaviour',
    'events',
    'http',
    'auth',
    'wiring.ts',
    'app.ts',
  ],
  db: ABOVE_ROWS.concat('rows'),
  rows: ABOVE_ROWS,
  resources: ['query', 'services', 'jobs', 'behaviour', 'events', 'http', 'wiring.ts', 'app.ts'],
  query: ['services', 'jobs', 'behaviour', 'events', 'http', 'wiring.ts', 'app.ts'],
  services: ['query', 'jobs', 'behaviour', 'events', 'http', 'wiring.ts', 'app.ts'],
  jobs: ['behaviour', 'http', 'wiring.ts', 'app.ts'],
  behaviour: ['events', 'http', 'wiring.ts', 'app.ts'],
  events: ['services', 'jobs', 'behaviour', 'http', 'wiring.ts', 'app.ts'],
};

const src = resolve(dirname(new URL(import.meta.url).pathname), '..', 'src');
const files = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
const specifiers =
  /(?:^|\s)(?:import|export)\s(?:[^'";]*?\sfrom\s*)?['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;
/** `a/b.ts` is under rule `a` and is reached by a rule naming `a` or `a/b.ts`. */
const within = (path, name) => path === name || path === `${name}.ts` || path.startsWith(`${name}/`);

const broken = [];
for (const file of files(src)) {
  const from = relative(src, file);
  const rule = Object.keys(rules).find((r) => within(from, r));
  if (!rule) continue;
  for (const m of readFileSync(file, 'utf8').matchAll(specifiers)) {
    const to = relative(src, resolve(dirname(file), m[1] ?? m[2]));
    const banned = rules[rule].find((b) => within(to, b.replace(/\.ts$/, '')));
    if (banned) broken.push(`src/${from} imports src/${to}: ${rule}/ may not import ${banned}`);
  }
}
if (broken.length) {
  console.error(`${broken.join('\n')}\n\nsee the layout in README.md (Development)`);
  process.exit(1);
}
console.log(`layers: ${Object.keys(rules).length} rules hold`);

// No line of code, comment or string wider than 120 characters. Biome formats code to 120 columns
// but cannot break comments, strings or template literals; this catches those. Generated
// migrations are exempt, and so is Markdown.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const MAX = 120;
const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const files = execFileSync('git', ['ls-files', '-z', '--', 'src', 'test', 'bench', 'scripts', 'bin'], {
  cwd: root,
  encoding: 'utf8',
})
  .split('\0')
  .filter((f) => /\.(ts|mjs|cjs|js)$/.test(f) && !f.startsWith('src/db/migrations/') && existsSync(join(root, f)));

const wide = [];
for (const file of files) {
  readFileSync(join(root, file), 'utf8')
    .split('\n')
    .forEach((line, i) => {
      // characters as a reader counts them (code points), not UTF-16 units
      const width = [...line].length;
      if (width > MAX) wide.push(`${file}:${i + 1}: ${width} characters`);
    });
}
if (wide.length) {
  console.error(
    `${wide.join('\n')}\n\n${wide.length} line(s) wider than ${MAX}: reflow the comment or split the string`,
  );
  process.exit(1);
}
console.log(`line width: ${files.length} files within ${MAX} columns`);

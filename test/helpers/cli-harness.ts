import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from 'selfsigned';

/**
 * The official Commerce Layer CLI (`@commercelayer/cli` with its resources, triggers, token, imports,
 * exports and webhooks plugins), unmodified, against a local Allot. The CLI only speaks `https://{slug}.{domain}` and
 * `https://auth.{domain}`, so the harness
 * - generates a throw-away certificate for `{domain}` and `*.{domain}`, trusted by the CLI's
 *   process through NODE_EXTRA_CA_CERTS;
 * - runs a TLS-terminating proxy on 127.0.0.1 (a free port) that forwards to Allot with
 *   X-Forwarded-Proto/-Host (Allot runs with TRUST_PROXY=loopback, so its links name https and the
 *   organization's host);
 * - preloads cli-preload.cjs into the CLI (NODE_OPTIONS=--require), which resolves those hosts to
 *   127.0.0.1 and sends their port 443 to the proxy;
 * - gives the CLI a home of its own (HOME, XDG_*), with the plugins linked from node_modules
 *   in its user plugins file, as `commercelayer plugins:link` would record them (without the
 *   network: nothing is installed);
 * - answers a prompt when asked to (`input` is written to the CLI's standard input).
 */
const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const CLI = path.join(ROOT, 'node_modules/@commercelayer/cli/bin/run.js');
const PRELOAD = path.join(HERE, 'cli-preload.cjs');
export const CLI_PLUGINS = ['resources', 'triggers', 'token', 'imports', 'exports', 'webhooks'].map(
  (p) => `@commercelayer/cli-plugin-${p}`,
);

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr together */
  output: string;
}

export interface CliHarness {
  /** Runs `commercelayer ...args`; never rejects, the exit code tells. `input` goes to its stdin. */
  run(args: string[], opts?: { input?: string; timeoutMs?: number }): Promise<CliResult>;
  /** `METHOD host/path` of every request the proxy forwarded, in order. */
  requests: string[];
  home: string;
  close(): Promise<void>;
}

export interface TlsProxy {
  /** where the proxy listens on 127.0.0.1 */
  port: number;
  /** the throw-away certificate, for NODE_EXTRA_CA_CERTS */
  caFile: string;
  /** what a CLI process needs in its environment to be sent here */
  env: Record<string, string>;
  /** `METHOD host/path` of every request forwarded, in order */
  requests: string[];
  close(): Promise<void>;
}

/**
 * A TLS-terminating proxy for `{domain}` and `*.{domain}` on 127.0.0.1, forwarding to `backend`
 * (certificate in `dir`).
 */
export async function startTlsProxy(opts: { backend: string; domain: string; dir: string }): Promise<TlsProxy> {
  const pems = await generate([{ name: 'commonName', value: `*.${opts.domain}` }], {
    keySize: 2048,
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [opts.domain, `*.${opts.domain}`].map((value) => ({ type: 2, value })) },
    ],
  });
  const caFile = path.join(opts.dir, 'allot-ca.pem');
  await writeFile(caFile, pems.cert);
  const requests: string[] = [];
  const backend = new URL(opts.backend);
  const proxy = https.createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
    requests.push(`${req.method} ${req.headers.host}${req.url}`);
    const upstream = http.request(
      {
        host: backend.hostname,
        port: backend.port,
        method: req.method,
        path: req.url,
        headers: {
          ...req.headers,
          'x-forwarded-proto': 'https',
          'x-forwarded-host': req.headers.host ?? '',
          'x-forwarded-for': req.socket.remoteAddress ?? '',
        },
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const port = (proxy.address() as AddressInfo).port;
  return {
    port,
    caFile,
    requests,
    env: {
      NODE_EXTRA_CA_CERTS: caFile,
      NODE_OPTIONS: `--require ${PRELOAD}`,
      ALLOT_CLI_DOMAIN: opts.domain,
      ALLOT_CLI_PROXY_PORT: String(port),
    },
    close: async () => {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    },
  };
}

export async function startCliHarness(opts: { backend: string; domain: string }): Promise<CliHarness> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'allot-cli-'));
  const dirs = { config: path.join(home, 'config'), data: path.join(home, 'data'), cache: path.join(home, 'cache') };
  // the CLI's user plugins file ({dataDir}/package.json), with the plugins linked in place
  const dataDir = path.join(dirs.data, '@commercelayer/cli');
  await mkdir(dataDir, { recursive: true });
  // where exports:create writes its file before moving it into place (an installed CLI has it)
  await mkdir(path.join(dirs.cache, '@commercelayer/cli'), { recursive: true });
  const plugins = CLI_PLUGINS.map((name) => ({ type: 'link', name, root: path.join(ROOT, 'node_modules', name) }));
  await writeFile(path.join(dataDir, 'package.json'), JSON.stringify({ private: true, oclif: { schema: 1, plugins } }));
  const proxy = await startTlsProxy({ ...opts, dir: home });
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    XDG_CONFIG_HOME: dirs.config,
    XDG_DATA_HOME: dirs.data,
    XDG_CACHE_HOME: dirs.cache,
    ...proxy.env,
    // no update check (it would call the npm registry), no colours in what the tests read
    NO_UPDATE_NOTIFIER: '1',
    FORCE_COLOR: '0',
    NO_COLOR: '1',
    COLUMNS: '200',
  };
  const run = (args: string[], opts: { input?: string; timeoutMs?: number } = {}) =>
    new Promise<CliResult>((resolve) => {
      const child = execFile(
        process.execPath,
        [CLI, ...args],
        { env, timeout: opts.timeoutMs ?? 90_000, maxBuffer: 16 << 20 },
        (err, stdout, stderr) => {
          const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
          resolve({ code, stdout, stderr, output: `${stdout}${stderr}` });
        },
      );
      if (opts.input !== undefined) child.stdin?.end(opts.input);
    });
  return {
    run,
    requests: proxy.requests,
    home,
    close: async () => {
      await proxy.close();
      await rm(home, { recursive: true, force: true });
    },
  };
}

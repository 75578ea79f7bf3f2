import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startTlsProxy } from './cli-harness';

/**
 * `npm run cli-proxy -- [ALLOT_URL] [DOMAIN]`: the end-to-end suite's TLS proxy for your own shell.
 * Prints the exports that send the official CLI (and any Node program) from
 * `https://{slug}.{DOMAIN}` and `https://auth.{DOMAIN}` to Allot; runs until Ctrl-C.
 */
const backend = process.argv[2] ?? 'http://127.0.0.1:3000';
const domain = process.argv[3] ?? process.env.DOMAIN ?? 'allot.localhost';
const dir = await mkdtemp(path.join(os.tmpdir(), 'allot-cli-proxy-'));
const proxy = await startTlsProxy({ backend, domain, dir });
process.stdout.write(`# https://*.${domain} -> ${backend}; in the shell where you run commercelayer:\n`);
for (const [k, v] of Object.entries(proxy.env)) process.stdout.write(`export ${k}=${JSON.stringify(v)}\n`);
const stop = async () => {
  await proxy.close();
  await rm(dir, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());

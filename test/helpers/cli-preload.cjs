// Preloaded into the official Commerce Layer CLI (NODE_OPTIONS=--require <this file>) by
// test/helpers/cli-harness.ts, so that the unmodified CLI reaches a local Allot: every host under
// ALLOT_CLI_DOMAIN (`auth.{domain}`, `{slug}.{domain}`) resolves to 127.0.0.1, and TLS connections
// to them on port 443 go to ALLOT_CLI_PROXY_PORT, where the harness's TLS proxy listens (no root,
// no /etc/hosts). Everything else resolves and connects as usual.
'use strict';
const dns = require('node:dns');
const tls = require('node:tls');

const domain = (process.env.ALLOT_CLI_DOMAIN || '').toLowerCase();
const proxyPort = Number(process.env.ALLOT_CLI_PROXY_PORT);
const ours = (host) =>
  domain !== '' &&
  typeof host === 'string' &&
  (host.toLowerCase() === domain || host.toLowerCase().endsWith(`.${domain}`));

const lookup = dns.lookup;
dns.lookup = function patchedLookup(hostname, ...rest) {
  if (!ours(hostname)) return lookup.call(this, hostname, ...rest);
  const [options, callback] = rest;
  const cb = typeof options === 'function' ? options : callback;
  const all = typeof options === 'object' && options !== null && options.all;
  if (all) process.nextTick(cb, null, [{ address: '127.0.0.1', family: 4 }]);
  else process.nextTick(cb, null, '127.0.0.1', 4);
};
const lookupPromise = dns.promises.lookup;
dns.promises.lookup = function patchedPromiseLookup(hostname, ...rest) {
  if (!ours(hostname)) return lookupPromise.call(this, hostname, ...rest);
  const [options] = rest;
  const all = typeof options === 'object' && options !== null && options.all;
  return Promise.resolve(all ? [{ address: '127.0.0.1', family: 4 }] : { address: '127.0.0.1', family: 4 });
};

// undici (fetch) and https call tls.connect(options[, callback]) with the URL's host and port
const connect = tls.connect;
tls.connect = function patchedConnect(options, ...rest) {
  if (
    proxyPort > 0 &&
    typeof options === 'object' &&
    options !== null &&
    ours(options.host || options.servername) &&
    (options.port === undefined || options.port === null || Number(options.port) === 443)
  ) {
    return connect.call(this, { ...options, port: proxyPort }, ...rest);
  }
  return connect.call(this, options, ...rest);
};

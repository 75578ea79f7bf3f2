import net from 'node:net';

/**
 * How postgres.js reaches PostgreSQL (its `socket` option): a TCP (or Unix socket) connection made
 * here, so that Allot knows every socket of its pool and can fail fast.
 *
 * - Connect timeout: a connection that is not established within `connectTimeoutMs` fails.
 * - Circuit: the first connection that fails opens it; while open, new connections fail at once
 *   (no packet sent), and a probe tries a real connection every `probeMs`; the first that succeeds
 *   closes it. So while the database is unreachable every request gets its 503 without waiting, and
 *   within `probeMs` of its return connections are made again.
 * - `destroyAll`: ends every connection of the pool (the driver rejects what was waiting on them and
 *   reconnects on demand): the last resort after an unexpected driver exception.
 *
 * A failed connection is handed to postgres.js as a socket that errors right away (rather than a
 * rejected promise, after which postgres.js 3.4.9 never returns the connection slot to its pool).
 */
export interface Connector {
  socket: (options: { host: string[]; port: number[]; path?: string | false }) => Promise<net.Socket>;
  /** Whether new connections currently fail at once. */
  open(): boolean;
  /** End every live connection with `reason`; returns how many there were. */
  destroyAll(reason: Error): number;
  /**
   * End the live connection the server knows as `port` (its `inet_client_port()`, TCP) or `pid` (its
   * `pg_backend_pid()`, read from the startup of a Unix-socket connection, which has no port).
   */
  destroyConnection(who: { port?: number; pid?: number }, reason: Error): boolean;
  close(): void;
}

export interface ConnectorOptions {
  connectTimeoutMs: number;
  probeMs: number;
  /** Told when the circuit opens or closes. */
  onCircuit?: (open: boolean, cause?: Error) => void;
}

export const CIRCUIT_OPEN = 'CONNECT_CIRCUIT_OPEN';

export function createConnector(o: ConnectorOptions): Connector {
  const live = new Set<net.Socket>();
  const pidOf = new WeakMap<net.Socket, number>();
  let openSince = 0;
  let lastError: Error | undefined;
  let probe: NodeJS.Timeout | undefined;
  let target: { host: string; port: number; path?: string } | undefined;
  let hostIndex = 0;
  let closed = false;

  const dial = (t: { host: string; port: number; path?: string }) =>
    new Promise<net.Socket>((resolve, reject) => {
      const s = t.path ? net.connect(t.path) : net.connect({ host: t.host, port: t.port });
      const timer = setTimeout(() => {
        const e = Object.assign(new Error(`connect timeout after ${o.connectTimeoutMs} ms`), {
          code: 'CONNECT_TIMEOUT',
        });
        s.destroy(e);
      }, o.connectTimeoutMs);
      s.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      s.once('connect', () => {
        clearTimeout(timer);
        s.removeAllListeners('error');
        s.on('error', () => {}); // postgres.js adds its own listener once it has the socket
        resolve(s);
      });
    });

  const setOpen = (e: Error) => {
    lastError = e;
    if (openSince || closed) return;
    openSince = Date.now();
    o.onCircuit?.(true, e);
    const tick = async () => {
      if (closed || !target) return;
      try {
        (await dial(target)).destroy();
        openSince = 0;
        probe = undefined;
        o.onCircuit?.(false);
      } catch (err) {
        lastError = err as Error;
        probe = setTimeout(tick, o.probeMs).unref();
      }
    };
    probe = setTimeout(tick, o.probeMs).unref();
  };

  /** A socket that fails as soon as postgres.js listens to it: the connection attempt errors normally. */
  const failing = (e: Error) => {
    const s = new net.Socket();
    setImmediate(() => s.destroy(e));
    return s;
  };

  return {
    socket: async (options) => {
      const i = hostIndex++ % options.host.length;
      target = { host: options.host[i]!, port: options.port[i] ?? options.port[0]!, path: options.path || undefined };
      if (openSince) {
        const e = Object.assign(
          new Error(
            `database unreachable (${lastError?.message ?? 'connection failed'}); retrying every ${o.probeMs} ms`,
          ),
          { code: CIRCUIT_OPEN },
        );
        return failing(e);
      }
      try {
        const s = await dial(target);
        if (target.path) watchStartup(s, (pid) => pidOf.set(s, pid));
        for (const x of live) if (x.destroyed) live.delete(x);
        live.add(s);
        s.once('close', () => live.delete(s));
        return s;
      } catch (e) {
        setOpen(e as Error);
        return failing(e as Error);
      }
    },
    open: () => openSince > 0,
    destroyAll: (reason) => {
      let n = 0;
      for (const s of live) {
        if (!s.destroyed) n++;
        s.destroy(reason);
      }
      live.clear();
      return n;
    },
    destroyConnection: ({ port, pid }, reason) => {
      for (const s of live)
        if (
          !s.destroyed &&
          ((port !== undefined && s.localPort === port) || (pid !== undefined && pidOf.get(s) === pid))
        ) {
          s.destroy(reason);
          return true;
        }
      return false;
    },
    close: () => {
      closed = true;
      if (probe) clearTimeout(probe);
    },
  };
}

/**
 * Reads, as it passes, the backend's process id from the startup's BackendKeyData message (type `K`:
 * length, then the pid), and stops listening at ReadyForQuery, an error, TLS, or 64 KB. postgres.js
 * reads the same bytes: nothing is consumed, and the server says nothing before the client's startup.
 */
export function watchStartup(s: net.Socket, found: (pid: number) => void): void {
  let buf: Buffer = Buffer.alloc(0);
  let seen = 0;
  const stop = () => s.off('data', on);
  function on(chunk: Buffer) {
    if (seen === 0 && (chunk[0] === 0x53 || chunk[0] === 0x4e)) {
      // the answer to an SSLRequest: 'S' (TLS follows: nothing readable) or 'N' (plain, one byte)
      if (chunk[0] === 0x53) return stop();
      chunk = chunk.subarray(1);
    }
    seen += chunk.length;
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    while (buf.length >= 5) {
      const type = buf[0];
      const length = buf.readInt32BE(1);
      if (length < 4 || seen > 65_536) return stop();
      if (buf.length < 1 + length) break;
      if (type === 0x4b && length >= 8) {
        found(buf.readInt32BE(5));
        return stop();
      }
      if (type === 0x5a || type === 0x45) return stop(); // ReadyForQuery, ErrorResponse
      buf = buf.subarray(1 + length);
    }
  }
  s.on('data', on);
}

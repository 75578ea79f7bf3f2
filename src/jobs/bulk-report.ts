import type { Progress } from './bulk-import';

const n = (x: number) => Math.round(x).toLocaleString('en-US');
const rate = (p: Progress) => (p.seconds > 0 ? p.rows / p.seconds : 0);

function eta(p: Progress): string {
  if (!p.bytes || !p.size || p.bytes >= p.size) return '0s';
  const s = Math.ceil((p.seconds * (p.size - p.bytes)) / p.bytes);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** One line for a terminal, redrawn in place: a bar by bytes read, rows, rows/s and the time left. */
export function progressBar(p: Progress, width = 30): string {
  const done = p.size ? Math.min(1, p.bytes / p.size) : 0;
  const full = Math.round(done * width);
  const bar = `[${'#'.repeat(full)}${'.'.repeat(width - full)}] ${String(Math.floor(done * 100)).padStart(3)}%`;
  return `${bar} ${n(p.rows)} rows  ${n(rate(p))} rows/s  ETA ${eta(p)}  rejected ${n(p.rejected)}`;
}

/** One line per committed batch, for logs and pipes. */
export function progressLine(p: Progress): string {
  const pct = Math.floor(p.size ? (100 * p.bytes) / p.size : 0);
  return `${n(p.rows)} rows (${pct}%) in ${p.seconds.toFixed(1)} s, ${n(rate(p))} rows/s, ${n(p.rejected)} rejected`;
}

export function summary(type: string, p: Progress): string {
  return [
    `${type}: ${n(p.rows)} rows in ${p.seconds.toFixed(1)} s (${n(rate(p))} rows/s)`,
    `  created ${n(p.created)}, updated ${n(p.updated)}, unchanged ${n(p.unchanged)}, rejected ${n(p.rejected)}`,
    ...(p.short ? [`  ${n(p.short)} left below their reserved stock: npx allot check lists the shortfalls`] : []),
  ].join('\n');
}

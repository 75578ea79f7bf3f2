import { describe, expect, it } from 'vitest';
import { backgroundLog } from './background-log';

function setup() {
  const lines: Array<{ level: string; obj: Record<string, unknown>; msg: string }> = [];
  let clock = 0;
  const log = backgroundLog(
    {
      warn: (obj, msg) => lines.push({ level: 'warn', obj: obj as Record<string, unknown>, msg }),
      error: (obj, msg) => lines.push({ level: 'error', obj: obj as Record<string, unknown>, msg }),
    },
    30_000,
    () => clock,
  );
  return { lines, log, tick: (ms: number) => (clock += ms) };
}

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('backgroundLog', () => {
  it('writes a failure in full once, then one line with the count every 30 s while it repeats', () => {
    const { lines, log, tick } = setup();
    const first = refused();
    log('warn', 'stock watch', first);
    // ten rounds a second for a minute
    for (let i = 0; i < 600; i++) {
      tick(100);
      log('warn', 'stock watch', refused());
    }
    expect(lines).toHaveLength(3);
    expect(lines[0]).toEqual({ level: 'warn', obj: { err: first }, msg: 'stock watch' });
    for (const l of lines.slice(1)) {
      expect(l.msg).toBe('stock watch: failed the same way 300 more time(s) in the last 30 s');
      expect(l.obj.repeats).toBe(300);
      // no stack: the error's type, code and message only
      expect(l.obj.err).toEqual({
        type: 'Error',
        code: 'ECONNREFUSED',
        message: 'connect ECONNREFUSED 127.0.0.1:5432',
      });
    }
  });

  it('writes another failure, another task, and a failure back after a quiet window in full', () => {
    const { lines, log, tick } = setup();
    log('warn', 'stock watch', refused());
    log('warn', 'list counts keeper', refused());
    tick(1_000);
    const other = Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' });
    log('warn', 'stock watch', other);
    tick(60_000);
    const again = refused();
    log('error', 'stock watch', again, { job: 'j1' });
    // the keeper's failure of a minute ago, back after a quiet window: in full, with its stack
    const back = refused();
    log('warn', 'list counts keeper', back);
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      ['warn', 'stock watch'],
      ['warn', 'list counts keeper'],
      ['warn', 'stock watch'],
      ['error', 'stock watch'],
      ['warn', 'list counts keeper'],
    ]);
    expect(lines[2]!.obj.err).toBe(other);
    expect(lines[3]!.obj).toEqual({ job: 'j1', err: again });
    expect(lines[4]!.obj.err).toBe(back);
  });

  it('writes nothing more for a failure repeated within the window, unless it is about something else', () => {
    const { lines, log, tick } = setup();
    log('warn', 'deliveries', refused());
    tick(29_000);
    log('warn', 'deliveries', refused());
    expect(lines).toHaveLength(1);
    log('error', 'background job', refused(), { job: 'j1' });
    log('error', 'background job', refused(), { job: 'j2' });
    log('error', 'background job', refused(), { job: 'j2' });
    expect(lines.map((l) => l.obj.job)).toEqual([undefined, 'j1', 'j2']);
  });
});

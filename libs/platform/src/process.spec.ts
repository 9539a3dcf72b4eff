import { loadSettings } from '@ciclo/config';
import { Writable } from 'node:stream';
import pinoPretty from 'pino-pretty';
import { logTransport, prettyLogs, quietBootstrap } from './process';

describe('log format', () => {
  it('is readable lines on a terminal and JSON elsewhere, unless LOG_FORMAT says', () => {
    const auto = loadSettings({});
    expect(auto.LOG_FORMAT).toBe('auto');
    expect(prettyLogs(auto, true)).toBe(true);
    expect(prettyLogs(auto, false)).toBe(false);
    expect(prettyLogs(loadSettings({ LOG_FORMAT: 'json' }), true)).toBe(false);
    expect(prettyLogs(loadSettings({ LOG_FORMAT: 'pretty' }), false)).toBe(true);
    expect(logTransport(auto, false)).toBeUndefined();
    expect(logTransport(auto, true)?.target).toBe('pino-pretty');
  });

  it('refuses an unknown format naming the variable', () => {
    expect(() => loadSettings({ LOG_FORMAT: 'xml' })).toThrow(/LOG_FORMAT/);
  });
});

describe('readable logs', () => {
  it("leave out Nest's per-module and per-route start-up lines, and nothing else", () => {
    const written: unknown[][] = [];
    const method = (...a: unknown[]) => void written.push(a);
    quietBootstrap([{ context: 'RouterExplorer' }, 'Mapped {/health, GET} route'], method, 30);
    quietBootstrap([{ context: 'InstanceLoader' }, 'ApiModule dependencies initialized'], method, 30);
    quietBootstrap([{ context: 'RouterExplorer' }, 'a warning'], method, 40);
    quietBootstrap([{ context: 'Projections' }, 'Projector cycles active in this worker'], method, 30);
    quietBootstrap(['plain message'], method, 30);
    expect(written.map((a) => a[a.length - 1])).toEqual(['a warning', 'Projector cycles active in this worker', 'plain message']);
  });
});

describe('readable access lines', () => {
  it('show the method, URL, status and time of the request; other lines only their message', async () => {
    const t = logTransport(loadSettings({ LOG_FORMAT: 'pretty' }), false);
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    const out = pinoPretty({ ...t?.options, colorize: false, destination });
    const time = Date.now();
    out.write(`${JSON.stringify({ level: 30, time, app: 'api', correlationId: 'c-1', req: { method: 'POST', url: '/cycles', remoteAddress: '127.0.0.1' }, res: { statusCode: 201 }, responseTime: 12, msg: 'request completed' })}\n`);
    out.write(`${JSON.stringify({ level: 30, time, app: 'worker', context: 'Projections', msg: 'Projector cycles active in this worker' })}\n`);
    for (let i = 0; i < 50 && lines.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(lines.map((l) => l.replace(/^\[[0-9:]+\] /, ''))).toEqual([
      'INFO: [api] request completed: POST /cycles 201 (12 ms)',
      'INFO: [worker] Projections: Projector cycles active in this worker',
    ]);
  });
});

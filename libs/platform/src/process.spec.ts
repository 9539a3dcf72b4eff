import { loadSettings } from '@ciclo/config';
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

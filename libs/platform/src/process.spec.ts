import { loadSettings } from '@ciclo/config';
import { logTransport, prettyLogs } from './process';

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

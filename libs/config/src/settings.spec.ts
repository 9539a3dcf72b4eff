import { loadSettings, SettingsError } from './settings';

describe('settings', () => {
  it('gives local defaults when nothing is set', () => {
    const s = loadSettings({});
    expect(s.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/ciclo');
    expect(s.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(s.EVENT_STORE).toBe('postgres');
    expect(s.DEV_AUTH_ENABLED).toBe(false);
  });

  it('names every bad variable at once', () => {
    let err: unknown;
    try {
      loadSettings({ PORT: 'abc', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SettingsError);
    const problems = (err as SettingsError).problems.join('\n');
    expect(problems).toMatch(/^PORT:/m);
    expect(problems).toMatch(/^DATABASE_URL: must be a URL starting with postgres:\/\//m);
    expect(problems).toMatch(/^LOG_LEVEL:/m);
  });

  it('requires KURRENTDB_URL with the KurrentDB adapter', () => {
    expect(() => loadSettings({ EVENT_STORE: 'kurrentdb' })).toThrow(/KURRENTDB_URL: is required when EVENT_STORE=kurrentdb/);
    expect(loadSettings({ EVENT_STORE: 'kurrentdb', KURRENTDB_URL: 'kurrentdb://127.0.0.1:2113?tls=false' }).EVENT_STORE).toBe('kurrentdb');
  });

  it('refuses the development issuer in production', () => {
    expect(() => loadSettings({ NODE_ENV: 'production', DEV_AUTH_ENABLED: 'true' })).toThrow(/DEV_AUTH_ENABLED/);
  });
});

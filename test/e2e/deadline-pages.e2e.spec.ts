/**
 * Deadline pages: 50 deadlines unless `limit` says otherwise, and a cursor (`X-Next-Cursor`) that
 * carries on after the last deadline shown, so that pages read while cycles arrive cover every
 * deadline that was there exactly once, in order; malformed cursors are refused naming the field.
 */
import { startTestApi, type TestApi } from '../support/api';

interface Deadline {
  cycleId: string;
  deadlineId: string;
  effectiveDate: string | null;
  status: string;
}

const key = (d: Deadline) => `${d.cycleId}/${d.deadlineId}`;
/** The page order, as far as it does not depend on the database's collation: date (none last), then cycle. */
const notAfter = (a: Deadline, b: Deadline) => `${a.effectiveDate ?? '9999-99-99'}|${a.cycleId}` <= `${b.effectiveDate ?? '9999-99-99'}|${b.cycleId}`;

describe('deadline pages with a cursor', () => {
  let api: TestApi;
  let po: string, sg: string;
  let last = 0;

  beforeAll(async () => {
    api = await startTestApi('deadline-pages', {}, { projections: true });
    po = await api.token('u-po', ['po']);
    sg = await api.token('u-sg', ['segretario_generale']);
  }, 60_000);
  afterAll(async () => api?.close());

  const open = async (year: number) => {
    const opened = await api.call<{ cycleId: string; position: number }>('POST', '/cycles', { token: po, body: { type: 'piao', year, title: `Piano ${year}` } });
    expect(opened.status).toBe(201);
    last = opened.body.position;
    return opened.body.cycleId;
  };
  const page = (query: string) => api.call<Deadline[]>('GET', `/deadlines?minPosition=${last}${query}`, { token: sg });

  it('pages of 50 by default; pages read while cycles arrive hold every earlier deadline exactly once, in order', async () => {
    for (let year = 2030; year < 2060; year++) await open(year);
    const all = await page('&limit=1000');
    expect(all.status).toBe(200);
    expect(all.headers.get('x-next-cursor')).toBeNull();
    const initial = all.body;
    expect(initial.length).toBeGreaterThan(50);

    const first = await page('');
    expect(first.body).toEqual(initial.slice(0, 50));
    const cursor1 = first.headers.get('x-next-cursor');
    expect(cursor1).toMatch(/^[A-Za-z0-9_-]+$/);
    const rest = await page(`&cursor=${cursor1}`);
    expect(rest.body).toEqual(initial.slice(50));
    expect(rest.headers.get('x-next-cursor')).toBeNull();

    // Small pages, a new cycle between any two: one due before everything read so far, one after it all.
    const seen: Deadline[] = [];
    const added: string[] = [];
    let cursor: string | null = null;
    for (let n = 0; n < 100; n++) {
      const r = await page(`&limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.status).toBe(200);
      seen.push(...r.body);
      cursor = r.headers.get('x-next-cursor');
      if (!cursor) break;
      expect(r.body).toHaveLength(7);
      added.push(await open(n % 2 ? 2010 + n : 2070 + n));
    }
    expect(cursor).toBeNull();
    const keys = seen.map(key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const d of initial) expect(keys.filter((k) => k === key(d))).toHaveLength(1);
    for (let i = 1; i < seen.length; i++) expect(notAfter(seen[i - 1], seen[i])).toBe(true);
    // The cycles due after everything read (2070 onwards) come on later pages; those due before do not.
    const late = new Set(added.filter((_, n) => n % 2 === 0));
    expect([...new Set(seen.filter((d) => late.has(d.cycleId)).map((d) => d.cycleId))].sort()).toEqual([...late].sort());
    const early = new Set(added.filter((_, n) => n % 2 === 1));
    expect(early.size).toBeGreaterThan(0);
    expect(seen.some((d) => early.has(d.cycleId))).toBe(false);
  }, 120_000);

  it('a status filter pages with the cursor too, and the pages add up to the filtered list', async () => {
    const all = (await page('&limit=1000')).body;
    const statuses = [...new Set(all.map((d) => d.status))];
    expect(statuses).toEqual(expect.arrayContaining(['future', 'overdue']));
    for (const status of statuses) {
      const expected = all.filter((d) => d.status === status).map(key);
      const got: string[] = [];
      let cursor: string | null = null;
      for (let n = 0; n < 100; n++) {
        const r = await page(`&status=${status}&limit=4${cursor ? `&cursor=${cursor}` : ''}`);
        expect(r.status).toBe(200);
        expect(r.body.every((d) => d.status === status)).toBe(true);
        got.push(...r.body.map(key));
        cursor = r.headers.get('x-next-cursor');
        if (!cursor) break;
      }
      expect({ status, got }).toEqual({ status, got: expected });
    }
  });

  it('refuses a cursor it did not make, a cursor with an offset and a limit out of bounds, naming the field in English and Italian', async () => {
    const first = await page('&limit=1');
    const cursor = first.headers.get('x-next-cursor') as string;
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const forged = (payload: unknown) => Buffer.from(JSON.stringify(payload)).toString('base64url');
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    // The inbox's cursors are not the deadlines' (and the other way round).
    const inboxCursor = forged({ v: 1, d: '2030-01-31', s: '2026-01-01 00:00:00+00', c: decoded.c, r: 'po' });
    for (const bad of [
      'not-a-cursor!',
      forged({ ...decoded, d: '2027-02-30' }),
      forged({ ...decoded, c: 'x' }),
      forged({ ...decoded, i: "x'; --" }),
      forged({ ...decoded, v: 2 }),
      inboxCursor,
    ]) {
      const r = await api.call<{ code: string; messageIt: string; fields: { field: string; problem: string; problemIt: string }[] }>(
        'GET',
        `/deadlines?cursor=${encodeURIComponent(bad)}`,
        { token: sg },
      );
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('INVALID_REQUEST');
      expect(r.body.fields).toEqual([{ field: 'query.cursor', problem: 'is not a cursor returned by GET /deadlines', problemIt: 'non è un cursore restituito da GET /deadlines' }]);
      expect(r.body.messageIt).toBe('Richiesta non valida: query.cursor: non è un cursore restituito da GET /deadlines');
    }
    const inbox = await api.call('GET', `/inbox?cursor=${cursor}`, { token: sg });
    expect(inbox.status).toBe(400);
    const mixed = await api.call<{ fields: { field: string; problemIt: string }[] }>('GET', `/deadlines?cursor=${cursor}&offset=2`, { token: sg });
    expect(mixed.status).toBe(400);
    expect(mixed.body.fields).toEqual([{ field: 'query.offset', problem: 'must not be given with cursor', problemIt: 'non va indicato insieme a cursor' }]);
    for (const limit of ['0', '1001']) {
      const r = await api.call<{ fields: { field: string }[] }>('GET', `/deadlines?limit=${limit}`, { token: sg });
      expect(r.status).toBe(400);
      expect(r.body.fields[0].field).toBe('query.limit');
    }
  });
});

/**
 * Inbox pages: 50 items unless `limit` says otherwise, and a cursor (`X-Next-Cursor`) that carries
 * on after the last item shown, so that pages read while cycles arrive cover every item that was
 * there exactly once, in order; malformed cursors are refused naming the field.
 */
import { startTestApi, type TestApi } from '../support/api';

interface Item {
  cycleId: string;
  role: string;
  title: string;
  dueDate: string | null;
  waitingSince: string;
}

const key = (i: Item) => `${i.cycleId}/${i.role}`;
/** The inbox order: due date (none last), waiting since, cycle, role. */
const before = (a: Item, b: Item) =>
  [a.dueDate ?? '9999-99-99', a.waitingSince, a.cycleId, a.role].join('|') < [b.dueDate ?? '9999-99-99', b.waitingSince, b.cycleId, b.role].join('|');

describe('inbox pages with a cursor', () => {
  let api: TestApi;
  let po: string, both: string;
  let last = 0;

  beforeAll(async () => {
    api = await startTestApi('inbox-pages', {}, { projections: true });
    po = await api.token('u-po', ['po']);
    // Two roles: the page merges the items waiting for each (a draft waits for the PO, a submitted plan for the SG).
    both = await api.token('u-both', ['segretario_generale', 'po']);
  }, 60_000);
  afterAll(async () => api?.close());

  const open = async (year: number, submit: boolean) => {
    const opened = await api.call<{ cycleId: string; position: number }>('POST', '/cycles', { token: po, body: { type: 'piao', year, title: `Piano ${year}` } });
    expect(opened.status).toBe(201);
    last = opened.body.position;
    if (submit) {
      const r = await api.call<{ position: number }>('POST', `/cycles/${opened.body.cycleId}/commands/submit`, { token: po, body: {} });
      expect(r.status).toBe(200);
      last = r.body.position;
    }
    return opened.body.cycleId;
  };
  const page = (query: string) => api.call<Item[]>('GET', `/inbox?minPosition=${last}${query}`, { token: both });

  it('pages of 50 by default; pages read while cycles arrive hold every earlier item exactly once, in order', async () => {
    for (let year = 2030; year < 2086; year++) await open(year, year % 3 !== 0);
    const all = await page('&limit=500');
    expect(all.status).toBe(200);
    expect(all.headers.get('x-next-cursor')).toBeNull();
    const initial = all.body;
    expect(initial.length).toBeGreaterThan(50);
    expect(new Set(initial.map((i) => i.role))).toEqual(new Set(['po', 'segretario_generale']));

    const first = await page('');
    expect(first.body).toEqual(initial.slice(0, 50));
    const rest = await page(`&cursor=${first.headers.get('x-next-cursor')}`);
    expect(rest.body).toEqual(initial.slice(50));
    expect(rest.headers.get('x-next-cursor')).toBeNull();

    // Small pages, a new cycle between any two: one due before everything read so far, one after it all.
    const seen: Item[] = [];
    const added: string[] = [];
    let cursor: string | null = null;
    for (let n = 0; n < 100; n++) {
      const r = await page(`&limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.status).toBe(200);
      seen.push(...r.body);
      cursor = r.headers.get('x-next-cursor');
      if (!cursor) break;
      expect(r.body).toHaveLength(7);
      added.push(await open(n % 2 ? 2010 + n : 2086 + n, n % 4 !== 3));
    }
    expect(cursor).toBeNull();
    const keys = seen.map(key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const i of initial) expect(keys.filter((k) => k === key(i))).toHaveLength(1);
    for (let i = 1; i < seen.length; i++) expect(before(seen[i - 1], seen[i])).toBe(true);
    // The cycles due after everything read (2086 onwards) come on later pages; those due before do not.
    const late = new Set(added.filter((_, n) => n % 2 === 0));
    expect(seen.filter((i) => late.has(i.cycleId)).map((i) => i.cycleId).sort()).toEqual([...late].sort());
    const early = new Set(added.filter((_, n) => n % 2 === 1));
    expect(early.size).toBeGreaterThan(0);
    expect(seen.some((i) => early.has(i.cycleId))).toBe(false);
  }, 120_000);

  it('refuses a cursor it did not make, and a cursor with an offset, naming the field in English and Italian', async () => {
    const first = await page('&limit=1');
    const cursor = first.headers.get('x-next-cursor') as string;
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const forged = (payload: unknown) => Buffer.from(JSON.stringify(payload)).toString('base64url');
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    for (const bad of [
      'not-a-cursor!',
      forged({ ...decoded, d: '2027-02-30' }),
      forged({ ...decoded, s: "2027-01-01 00:00:00+00'; --" }),
      forged({ ...decoded, c: 'x' }),
      forged({ ...decoded, v: 2 }),
    ]) {
      const r = await api.call<{ code: string; messageIt: string; fields: { field: string; problem: string; problemIt: string }[] }>(
        'GET',
        `/inbox?cursor=${encodeURIComponent(bad)}`,
        { token: both },
      );
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('INVALID_REQUEST');
      expect(r.body.fields).toEqual([{ field: 'query.cursor', problem: 'is not a cursor returned by GET /inbox', problemIt: 'non è un cursore restituito da GET /inbox' }]);
      expect(r.body.messageIt).toBe('Richiesta non valida: query.cursor: non è un cursore restituito da GET /inbox');
    }
    const mixed = await api.call<{ fields: { field: string; problemIt: string }[] }>('GET', `/inbox?cursor=${cursor}&offset=2`, { token: both });
    expect(mixed.status).toBe(400);
    expect(mixed.body.fields).toEqual([{ field: 'query.offset', problem: 'must not be given with cursor', problemIt: 'non va indicato insieme a cursor' }]);
    expect((await api.call('GET', '/inbox?limit=501', { token: both })).status).toBe(400);
  });
});

// The calendar feed rendered once per change of the tenant's data: the same bytes and ETag while
// nothing changes, 304 for If-None-Match, gzip when asked for, and a moved deadline in the very
// next fetch.
import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { FeedCache } from '../../apps/api/src/calendar-cache';
import { CalendarController } from '../../apps/api/src/calendar.controller';
import { startTestApi, type TestApi } from '../support/api';

/** A GET with exactly these headers (fetch would add Accept-Encoding and decompress on its own). */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const dtstartOf = (ics: string, uidPrefix: string): string | undefined => {
  const event = ics.split('BEGIN:VEVENT').find((e) => e.includes(`UID:${uidPrefix}`));
  return /DTSTART;VALUE=DATE:(\d{8})/.exec(event ?? '')?.[1];
};

describe('calendar feed cache', () => {
  let api: TestApi;
  let rpct: string;
  let cycleId: string;
  let renders: jest.SpyInstance;

  beforeAll(async () => {
    api = await startTestApi('calcache', {}, { projections: true });
    rpct = await api.token('u-rpct', ['rpct']);
    const r = await api.call<{ cycleId: string }>('POST', '/cycles', { token: rpct, body: { type: 'relazione_rpct', year: 2027 } });
    expect(r.status).toBe(201);
    cycleId = r.body.cycleId;
    renders = jest.spyOn(CalendarController.prototype as unknown as { render: () => Promise<Buffer> }, 'render');
  });

  afterAll(async () => {
    renders?.mockRestore();
    await api?.close();
  });

  const get = (headers: Record<string, string> = {}) => rawGet(`${api.url}/calendar.ics`, { authorization: `Bearer ${rpct}`, ...headers });

  it('serves the same bytes and ETag while nothing changes, rendered once; 304 for its ETag', async () => {
    renders.mockClear();
    const first = await get();
    expect(first.status).toBe(200);
    expect(first.headers['content-encoding']).toBeUndefined();
    expect(first.headers['cache-control']).toBe('private, no-cache');
    expect(first.headers.vary).toMatch(/Accept-Encoding/);
    expect(Number(first.headers['content-length'])).toBe(first.body.length);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    const second = await get();
    expect(second.headers.etag).toBe(etag);
    expect(second.body.equals(first.body)).toBe(true);
    expect(renders).toHaveBeenCalledTimes(1);

    const unchanged = await get({ 'if-none-match': `"other", W/${etag}` });
    expect(unchanged.status).toBe(304);
    expect(unchanged.body.length).toBe(0);
    expect(unchanged.headers.etag).toBe(etag);
    const otherTag = await get({ 'if-none-match': '"not-this-one"' });
    expect(otherTag.status).toBe(200);
    expect(otherTag.body.equals(first.body)).toBe(true);
    expect(renders).toHaveBeenCalledTimes(1);
  });

  it('sends gzip when accepted: the same feed, its own ETag, 304 for either', async () => {
    const plain = await get({ 'accept-encoding': 'identity' });
    const zipped = await get({ 'accept-encoding': 'gzip, deflate' });
    expect(zipped.status).toBe(200);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(Number(zipped.headers['content-length'])).toBe(zipped.body.length);
    expect(gunzipSync(zipped.body).equals(plain.body)).toBe(true);
    expect(zipped.headers.etag).toBe(`${(plain.headers.etag as string).slice(0, -1)}.gz"`);
    expect((await get({ 'accept-encoding': 'gzip', 'if-none-match': zipped.headers.etag as string })).status).toBe(304);
    expect((await get({ 'accept-encoding': 'gzip', 'if-none-match': plain.headers.etag as string })).status).toBe(304);
    // gzip refused (q=0): the plain body.
    const refused = await get({ 'accept-encoding': 'gzip;q=0, identity' });
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(refused.body.equals(plain.body)).toBe(true);
  });

  it('a moved deadline is in the next fetch, with a new ETag; the old ETag no longer gets 304', async () => {
    const before = await get();
    expect(dtstartOf(before.body.toString('utf8'), `${cycleId}-pubblicazione`)).toBe('20271215');
    const moved = await api.call('POST', `/cycles/${cycleId}/commands/move_deadline`, {
      token: rpct,
      body: { deadlineId: 'pubblicazione', newDate: '2028-01-31', reason: 'Comunicato ANAC: differimento', reference: 'Comunicato ANAC del 5 dicembre 2027' },
    });
    expect(moved.status).toBe(200);
    const after = await get({ 'if-none-match': before.headers.etag as string });
    expect(after.status).toBe(200);
    expect(after.headers.etag).not.toBe(before.headers.etag);
    expect(dtstartOf(after.body.toString('utf8'), `${cycleId}-pubblicazione`)).toBe('20280131');
    // The personal feed address follows the same data.
    const created = await api.call<{ url: string }>('POST', '/calendar/feeds', { token: rpct, body: { scope: 'all' } });
    const feed = await rawGet(`${api.url}${new URL(created.body.url).pathname}`, {});
    expect(feed.status).toBe(200);
    expect(dtstartOf(feed.body.toString('utf8'), `${cycleId}-pubblicazione`)).toBe('20280131');
  });

  it('a personal feed address answers gzip when asked, 304 for either of its ETags', async () => {
    const created = await api.call<{ url: string }>('POST', '/calendar/feeds', { token: rpct, body: { scope: 'mine' } });
    const url = `${api.url}${new URL(created.body.url).pathname}`;
    const plain = await rawGet(url, {});
    const zipped = await rawGet(url, { 'accept-encoding': 'gzip' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(zipped.body).equals(plain.body)).toBe(true);
    expect(zipped.headers.etag).toBe(`${(plain.headers.etag as string).slice(0, -1)}.gz"`);
    expect((await rawGet(url, { 'if-none-match': zipped.headers.etag as string })).status).toBe(304);
    expect((await rawGet(url, { 'accept-encoding': 'gzip', 'if-none-match': plain.headers.etag as string })).status).toBe(304);
  });
});

describe('FeedCache', () => {
  const body = (s: string) => () => Promise.resolve(Buffer.from(s));

  it('renders once for concurrent requests of one feed, again for a newer generation', async () => {
    const cache = new FeedCache(1024);
    let n = 0;
    const render = () => {
      n++;
      return Promise.resolve(Buffer.from(`v${n}`));
    };
    const [a, b] = await Promise.all([cache.get('t', '5', 'all', render), cache.get('t', '5', 'all', render)]);
    expect(n).toBe(1);
    expect(a).toBe(b);
    const c = await cache.get('t', '6', 'all', render);
    expect(n).toBe(2);
    expect(c.body.toString()).toBe('v2');
    expect(c.etag).not.toBe(a.etag);
    // Another tenant's generation leaves this one's feed in place.
    await cache.get('u', '1', 'all', body('u'));
    await cache.get('t', '6', 'all', render);
    expect(n).toBe(2);
  });

  it('renders an older generation without keeping it, and drops a tenant\'s older feeds', async () => {
    const cache = new FeedCache(1024);
    await cache.get('t', '10', 'all', body('new'));
    const old = await cache.get('t', '9', 'all', body('old'));
    expect(old.body.toString()).toBe('old');
    expect((await cache.get('t', '10', 'all', body('other'))).body.toString()).toBe('new');
    await cache.get('t', '10', 'mine', body('mine'));
    expect(cache.size.feeds).toBe(2);
    await cache.get('t', '11', 'all', body('next'));
    expect(cache.size).toEqual({ feeds: 1, bytes: 4 });
  });

  it('stays within its bytes, least recently used out first; a failed rendering is not kept', async () => {
    const cache = new FeedCache(10);
    await cache.get('a', '1', 'x', body('aaaa'));
    await cache.get('b', '1', 'x', body('bbbb'));
    await cache.get('a', '1', 'x', body('----')); // a is now the most recently used
    await cache.get('c', '1', 'x', body('cccc'));
    expect(cache.size).toEqual({ feeds: 2, bytes: 8 });
    expect((await cache.get('a', '1', 'x', body('again'))).body.toString()).toBe('aaaa');
    expect((await cache.get('b', '1', 'x', body('bbb2'))).body.toString()).toBe('bbb2');
    await expect(cache.get('d', '1', 'x', () => Promise.reject(new Error('database down')))).rejects.toThrow('database down');
    expect((await cache.get('d', '1', 'x', body('dddd'))).body.toString()).toBe('dddd');
  });
});

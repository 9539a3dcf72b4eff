import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { PostgresEventStore, startSealer, type Subscription } from '@ciclo/event-store';
import { AUDIT_VERIFICATION_STREAM } from '@ciclo/projections';
import { buildCli } from '../../apps/cli/src/main';
import {
  AuditJobs,
  NIGHTLY_VERIFICATION_CRON,
  NIGHTLY_VERIFICATION_SCHEDULER,
  NIGHTLY_VERIFICATION_TZ,
  processVerifyChainJob,
} from '../../apps/worker/src/audit/audit-verification';
import { startTestApi, type TestApi } from '../support/api';
import { testRedisPrefix } from '../support/database';
import { pdfLines } from './helpers';

interface Verify {
  intact: boolean;
  intactUpTo: number;
  firstBad: { position: number; problem: string; detail: string } | null;
  headSeal: { seq: number; hash: string } | null;
  checkedEvents: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 10000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('verification of the audit hash chain', () => {
  let api: TestApi;
  let store: PostgresEventStore;
  let sealer: Subscription;
  let rpct: string, oiv: string, po: string, sg: string, foreign: string;
  let cycleId: string;

  const verify = (token: string) => api.call<Verify>('GET', '/audit/verify', { token });
  const verifications = async () =>
    (
      await api.pool.query<{ position: string; data: Record<string, unknown>; metadata: Record<string, unknown> }>(
        'SELECT position, data, metadata FROM es_events WHERE stream_id = $1 ORDER BY version',
        [AUDIT_VERIFICATION_STREAM],
      )
    ).rows;

  beforeAll(async () => {
    api = await startTestApi('auditverify', {}, { projections: true });
    store = new PostgresEventStore({ connectionString: api.db.url, poolSize: 3 });
    sealer = startSealer(store, { pollIntervalMs: 50 });
    [rpct, oiv, po, sg, foreign] = await Promise.all([
      api.token('u-rpct', ['rpct']),
      api.token('u-oiv', ['oiv']),
      api.token('u-po', ['po']),
      api.token('u-sg', ['segretario_generale']),
      api.token('u-fi', ['rpct'], 'cciaa-fi'),
    ]);
    const opened = await api.call<{ cycleId: string }>('POST', '/cycles', { token: po, body: { type: 'piao', year: 2027 } });
    cycleId = opened.body.cycleId;
    await api.call('POST', `/cycles/${cycleId}/commands/submit`, { token: po, body: {} });
    await api.call('POST', `/cycles/${cycleId}/commands/approve`, { token: sg, body: {} });
    const head = await api.head();
    await until('the sealer', async () => {
      const { rows } = await api.pool.query<{ p: string | null }>('SELECT max(position) AS p FROM es_seals');
      return Number(rows[0].p ?? 0) >= head;
    });
  });
  afterAll(async () => {
    await sealer?.stop();
    await store?.close();
    await api?.close();
  });

  it('answers "intact up to position N" to the RPCT and the OIV, and refuses everyone else', async () => {
    const head = await api.head();
    const r = await verify(rpct);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ intact: true, firstBad: null });
    expect(r.body.intactUpTo).toBeGreaterThanOrEqual(head);
    expect(r.body.checkedEvents).toBeGreaterThanOrEqual(3);
    expect(r.body.headSeal?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect((await verify(oiv)).status).toBe(200);
    for (const token of [po, sg]) {
      const refused = await api.call<{ code: string }>('GET', '/audit/verify', { token });
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('AUDIT_VERIFY_NOT_ALLOWED');
    }
    expect((await api.call('GET', '/audit/verify?deep=1', { token: rpct })).status).toBe(400);
    // The verification is itself a read of the trail, recorded.
    const at = Number(r.headers.get('x-audit-read-position'));
    const { rows } = await api.pool.query<{ stream_id: string; data: Record<string, unknown>; metadata: Record<string, unknown> }>(
      'SELECT stream_id, data, metadata FROM es_events WHERE position = $1',
      [at],
    );
    expect(rows[0]).toMatchObject({
      stream_id: 'cciaa-po/audit-access',
      data: { what: 'verify', intact: true, intactUpTo: r.body.intactUpTo },
      metadata: { actorId: 'u-rpct', actorRole: 'rpct', causationId: null, schemaVersion: 1 },
    });
  });

  it('runs the nightly verification as a BullMQ job scheduler (02:00 Europe/Rome) that records AuditChainVerified', async () => {
    const jobs = new AuditJobs({ store, redisUrl: api.settings.REDIS_URL, prefix: testRedisPrefix('auditjobs') });
    try {
      await jobs.start();
      const schedulers = await jobs.queue.getJobSchedulers();
      expect(schedulers).toEqual([expect.objectContaining({ key: NIGHTLY_VERIFICATION_SCHEDULER, pattern: NIGHTLY_VERIFICATION_CRON, tz: NIGHTLY_VERIFICATION_TZ })]);
      expect(NIGHTLY_VERIFICATION_CRON).toBe('0 2 * * *');
      const next = schedulers[0].next as number;
      const rome = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Rome', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(next));
      expect(rome).toBe('02:00');
      // Upserting again (another worker process, a restart) keeps one scheduler.
      await jobs.queue.upsertJobScheduler(NIGHTLY_VERIFICATION_SCHEDULER, { pattern: NIGHTLY_VERIFICATION_CRON, tz: NIGHTLY_VERIFICATION_TZ });
      expect(await jobs.queue.getJobSchedulersCount()).toBe(1);

      const before = (await verifications()).length;
      await jobs.runNow('manual');
      const rows = await until('the job', async () => {
        const v = await verifications();
        return v.length > before ? v : null;
      });
      const e = rows[rows.length - 1];
      expect(e.metadata).toMatchObject({ tenant: 'ciclo', actorId: 'system', actorRole: 'system', causationId: null, schemaVersion: 1 });
      expect(e.metadata.correlationId).toMatch(/^job:audit:/);
      expect(e.data).toMatchObject({ intact: true, trigger: 'manual' });
      expect(e.data).not.toHaveProperty('firstBad');
    } finally {
      await jobs.queue.obliterate({ force: true });
      await jobs.stop();
    }
  });

  it('records the verification on demand with `ciclo audit verify --record`, shown as lastVerification', async () => {
    const saved = { url: process.env.DATABASE_URL, code: process.exitCode };
    const printed: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
      printed.push(String(s));
      return true;
    });
    try {
      process.env.DATABASE_URL = api.db.url;
      await buildCli().parseAsync(['node', 'ciclo', 'audit', 'verify', '--record', '--json']);
    } finally {
      spy.mockRestore();
      process.env.DATABASE_URL = saved.url;
      process.exitCode = saved.code;
    }
    const out = JSON.parse(printed.join('')) as { intact: boolean; recordedAt: number };
    expect(out.intact).toBe(true);
    const e = (await verifications()).at(-1);
    expect(Number(e?.position)).toBe(out.recordedAt);
    expect(e?.data).toMatchObject({ intact: true, trigger: 'cli' });

    const page = await api.call<{ lastVerification: { position: number; intact: boolean; trigger: string; headSeal: unknown } | null }>('GET', '/audit?limit=1', { token: rpct });
    expect(page.body.lastVerification).toMatchObject({ position: out.recordedAt, intact: true, trigger: 'cli' });
  });

  it('`ciclo audit anchor` saves the head seal; `audit verify --anchor` checks the chain against it and refuses one it disagrees with', async () => {
    const cli = async (...args: string[]) => {
      const saved = { url: process.env.DATABASE_URL, code: process.exitCode };
      const printed: string[] = [];
      const spy = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
        printed.push(String(s));
        return true;
      });
      let code: number | undefined;
      try {
        process.env.DATABASE_URL = api.db.url;
        process.exitCode = undefined;
        await buildCli().parseAsync(['node', 'ciclo', ...args]);
        code = process.exitCode;
      } finally {
        spy.mockRestore();
        process.env.DATABASE_URL = saved.url;
        process.exitCode = saved.code;
      }
      return { out: printed.join(''), code: code ?? 0 };
    };
    // The --record run above appended its own event: once the sealer has sealed it, the saved anchor
    // is a later seal than the head seal the trail recorded, which stays the confirmed one below.
    const recordedSeq = ((await verifications()).at(-1)?.data as { headSeal: { seq: number } }).headSeal.seq;
    for (let i = 0; i < 100; i++) {
      const { rows } = await api.pool.query<{ max: string | null }>('SELECT max(seq) AS max FROM es_seals');
      if (Number(rows[0].max) > recordedSeq) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const file = join(mkdtempSync(join(tmpdir(), 'ciclo-anchor-')), 'seal.json');
    expect((await cli('audit', 'anchor', '--out', file)).code).toBe(0);
    const anchor = JSON.parse(readFileSync(file, 'utf8')) as { seq: number; hash: string };
    expect(anchor.hash).toMatch(/^[0-9a-f]{64}$/);
    const ok = await cli('audit', 'verify', '--json', '--anchor', file);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out)).toMatchObject({ intact: true });
    // A saved seal the chain disagrees with: what a rewrite of the log looks like from outside.
    const other = `${anchor.seq}:${'0'.repeat(64)}`;
    const bad = await cli('audit', 'verify', '--json', '--anchor', other);
    expect(bad.code).toBe(1);
    // Still confirmed up to the head seal the trail recorded itself (the --record run above).
    const recorded = (await verifications()).at(-1)?.data as { headSeal: { seq: number } };
    const { rows: confirmed } = await api.pool.query<{ position: string }>('SELECT position FROM es_seals WHERE seq = $1', [recorded.headSeal.seq]);
    expect(Number(confirmed[0].position)).toBeGreaterThan(0);
    expect(JSON.parse(bad.out)).toMatchObject({ intact: false, intactUpTo: Number(confirmed[0].position), firstBad: { problem: 'anchor_mismatch' } });
    expect(JSON.parse(bad.out).firstBad.detail).toMatch(new RegExp(`anchor ${anchor.seq}:0{12}`));
    const beyond = await cli('audit', 'verify', '--anchor', `${anchor.seq + 1000}:${anchor.hash}`);
    expect(beyond.code).toBe(1);
    expect(beyond.out).toMatch(/BROKEN .*saved seal \d+, but the chain ends at seal/);
    await expect(cli('audit', 'verify', '--anchor', 'not-a-seal')).rejects.toThrow(/SEQ:HASH/);

    // The same through the API.
    const agrees = await api.call<Verify>('GET', `/audit/verify?anchor=${anchor.seq}:${anchor.hash}`, { token: rpct });
    expect(agrees.body).toMatchObject({ intact: true });
    const disagrees = await api.call<Verify>('GET', `/audit/verify?anchor=${other}`, { token: rpct });
    expect(disagrees.body).toMatchObject({ intact: false, intactUpTo: Number(confirmed[0].position), firstBad: { problem: 'anchor_mismatch' } });
    const malformed = await api.call<{ fields: { field: string }[] }>('GET', '/audit/verify?anchor=12:xyz', { token: rpct });
    expect(malformed.status).toBe(400);
    expect(malformed.body.fields[0].field).toBe('query.anchor');
  });

  it('finds a row modified directly in the database: the exact first bad position and the problem', async () => {
    const { rows } = await api.pool.query<{ position: string; prev: string }>(
      `SELECT s.position, p.position AS prev FROM es_seals s JOIN es_seals p ON p.seq = s.seq - 1
        JOIN es_events e ON e.position = s.position WHERE e.stream_id = $1 AND e.version = 2`,
      [`cciaa-po/cycle-${cycleId}`],
    );
    const bad = Number(rows[0].position);
    const admin = new Client({ connectionString: api.db.url });
    await admin.connect();
    try {
      await admin.query('ALTER TABLE es_events DISABLE TRIGGER USER');
      await admin.query(`UPDATE es_events SET data = jsonb_set(data, '{note}', '"ritoccato"') WHERE position = $1`, [bad]);
      await admin.query('ALTER TABLE es_events ENABLE TRIGGER USER');
    } finally {
      await admin.end();
    }

    const r = await verify(rpct);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ intact: false, intactUpTo: Number(rows[0].prev), firstBad: { position: bad, problem: 'event_modified' } });
    expect(r.body.firstBad?.detail).toBe(`the content of cciaa-po/cycle-${cycleId} v2 no longer matches its hash`);
    // Another tenant's RPCT learns where, not whose stream.
    const fi = await verify(foreign);
    expect(fi.body.firstBad).toMatchObject({ position: bad, problem: 'event_modified' });
    expect(fi.body.firstBad?.detail).not.toContain(cycleId);

    // The nightly processor records the finding; GET /audit and the PDF cover show it.
    const job = await processVerifyChainJob(store, { id: 'nightly-test', data: { trigger: 'nightly' } });
    expect(job).toMatchObject({ intact: false, firstBadPosition: bad });
    const e = (await verifications()).at(-1);
    expect(e?.data).toMatchObject({ intact: false, trigger: 'nightly', firstBad: { position: bad, problem: 'event_modified' } });
    const page = await api.call<{ lastVerification: { intact: boolean; firstBad: { position: number } } }>('GET', '/audit?limit=1', { token: oiv });
    expect(page.body.lastVerification).toMatchObject({ intact: false, firstBad: { position: bad } });
    const summary = await until('the projected verification', async () => {
      const { rows: a } = await api.pool.query<{ summary: string }>('SELECT summary FROM rm_audit WHERE position = $1', [job.recordedAt]);
      return a[0]?.summary;
    });
    expect(summary).toBe(`Il sistema ha verificato la catena di hash del registro: anomalia alla posizione ${bad} (event_modified)`);

    const pdf = await fetch(`${api.url}/audit/export.pdf?cycleId=${cycleId}`, { headers: { authorization: `Bearer ${rpct}` } });
    const text = pdfLines(Buffer.from(await pdf.arrayBuffer())).join('\n');
    expect(text).toContain(`ANOMALIA alla posizione ${bad}`);
    expect(text).toContain('evento modificato (event_modified)');
  });
});

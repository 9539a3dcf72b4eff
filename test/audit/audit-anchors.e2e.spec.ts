// Anchors outside the database: each nightly verification publishes the head seal to the tenant's
// RPCT and OIV (e-mail through a real SMTP server, in-app list) and to a witness's webhook (a real
// HTTP receiver), once per verification even when the job runs again; signed with an Ed25519 key
// held outside the database, a published anchor is checked on verification and an altered one or
// one signed with another key is refused.
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import IORedis from 'ioredis';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import {
  encodeAnchorToken,
  keyFingerprint,
  loadAnchorSigningKey,
  parseSignedAnchor,
  PostgresEventStore,
  signAnchor,
  startSealer,
  type SignedAnchor,
  type Subscription,
} from '@ciclo/event-store';
import { DirectoryService } from '@ciclo/identity';
import {
  AnchorPublisher,
  AUDIT_ANCHOR_PUBLISHED,
  auditAnchorsStream,
  DeliveryLog,
  EmailChannel,
  GrantedRecipients,
  startInboxProjector,
  StaticTenantDirectory,
  verifyWebhookSignature,
  Webhooks,
  type AnchorPublisherOptions,
  type AuditAnchorData,
} from '@ciclo/notifications';
import { auditTenants, AUDIT_VERIFICATION_STREAM, READ_MODELS } from '@ciclo/projections';
import { buildCli } from '../../apps/cli/src/main';
import { processVerifyChainJob } from '../../apps/worker/src/audit/audit-verification';
import { startTestApi, type TestApi } from '../support/api';
import { testRedisPrefix } from '../support/database';
import { decodedText, demoTenant, startReceiver, startSmtp, waitFor, sleep } from '../deadlines/support';

const SECRET = 'anchor-witness-secret-0123456789abcdef';
const pem = (k: KeyObject) => k.export({ type: 'pkcs8', format: 'pem' }).toString();

describe('anchors published outside the database, signed', () => {
  let api: TestApi;
  let store: PostgresEventStore;
  const subs: Subscription[] = [];
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let webhooks: Webhooks;
  let email: EmailChannel;
  let redis: IORedis;
  let publisher: AnchorPublisher;
  let publisherOptions: AnchorPublisherOptions;
  let signing: KeyObject;
  let other: KeyObject;
  let dir: string;
  let rpct: string, oiv: string, po: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ciclo-anchor-keys-'));
    signing = generateKeyPairSync('ed25519').privateKey;
    other = generateKeyPairSync('ed25519').privateKey;
    writeFileSync(join(dir, 'signing.pem'), pem(signing));
    process.env.WEBHOOK_SECRET_ANCHOR = SECRET;
    api = await startTestApi('anchors', { AUDIT_SIGNING_KEY: join(dir, 'signing.pem') }, { projections: true });
    store = new PostgresEventStore({ connectionString: api.db.url, poolSize: 4 });
    subs.push(startSealer(store, { pollIntervalMs: 50 }));

    // The tenant's RPCT and OIV, from role grants, with their addresses.
    const root = await api.token('u-root', ['admin'], 'platform');
    expect((await api.call('POST', '/tenants', { token: root, body: { id: 'cciaa-po', name: 'Camera di commercio di Pistoia-Prato', ipaCode: 'cciaa_po' } })).status).toBe(201);
    for (const [id, name, mail, role] of [
      ['u-rpct', 'Rita Trasparenza', 'rpct@example.org', 'rpct'],
      ['u-oiv', 'Oscar Valutatore', 'oiv@example.org', 'oiv'],
      ['u-po', 'Paola Organizzativa', 'po@example.org', 'po'],
    ]) {
      expect((await api.call('PUT', `/tenants/cciaa-po/users/${id}`, { token: root, body: { name, email: mail } })).status).toBe(200);
      expect((await api.call('POST', `/tenants/cciaa-po/users/${id}/roles`, { token: root, body: { role } })).status).toBe(201);
    }
    [rpct, oiv, po] = await Promise.all([api.token('u-rpct', ['rpct']), api.token('u-oiv', ['oiv']), api.token('u-po', ['po'])]);
    expect((await api.call('POST', '/cycles', { token: po, body: { type: 'piao', year: 2027 } })).status).toBe(201);
    const head = await api.head();
    await waitFor('the sealer', async () => Number((await api.pool.query<{ p: string | null }>('SELECT max(position) AS p FROM es_seals')).rows[0].p ?? 0) >= head);
    await waitFor('the audit projection', async () => (await api.call('GET', `/audit?minPosition=${head}&limit=1`, { token: rpct })).status === 200);

    // The channels: a real SMTP server, a witness's webhook, the in-app list.
    smtp = await startSmtp();
    receiver = await startReceiver();
    const profiles = new StaticTenantDirectory([
      { ...demoTenant, id: 'cciaa-po', users: [], webhooks: [{ id: 'testimone', url: receiver.url, secretEnv: 'WEBHOOK_SECRET_ANCHOR', events: ['audit.anchor'], enabled: true }] },
    ]);
    redis = new IORedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
    webhooks = new Webhooks({ connection: redis, prefix: testRedisPrefix('anchors-wh').replace(/:$/, ''), pool: store.pool, attempts: 1, timeoutMs: 5000 });
    subs.push(webhooks.startDispatcher(store, profiles, { pollIntervalMs: 50 }));
    webhooks.startWorker();
    subs.push(startInboxProjector(store, { pollIntervalMs: 50 }));
    email = new EmailChannel(smtp.url, 'Ciclo <ciclo@example.org>', { pool: false });
    const people = new DirectoryService(store);
    publisherOptions = {
      store,
      recipients: new GrantedRecipients({ people: (t, at) => people.peopleAt(t, at) }, profiles),
      profiles,
      tenants: () => auditTenants(api.app.get<DataSource>(READ_MODELS)),
      email,
      deliveries: new DeliveryLog(store.pool),
      signingKey: loadAnchorSigningKey(join(dir, 'signing.pem')),
      publicUrl: 'https://ciclo.example.org',
    };
    publisher = new AnchorPublisher(publisherOptions);
  }, 60_000);

  afterAll(async () => {
    for (const s of subs) await s.stop();
    await webhooks?.close();
    email?.close();
    redis?.disconnect();
    await smtp?.close();
    await receiver?.close();
    await store?.close();
    await api?.close();
  });

  const anchorsOf = async () => (await store.readStream(auditAnchorsStream('cciaa-po'))).filter((e) => e.type === AUDIT_ANCHOR_PUBLISHED);
  let published: AuditAnchorData;

  it('publishes the head seal once per nightly verification: e-mail to the RPCT and OIV, in-app, the witness’s webhook', async () => {
    const job = { id: 'repeat:nightly-chain-verification:1', timestamp: 1_800_000_000_000, data: { trigger: 'nightly' as const } };
    const first = await processVerifyChainJob(store, job, publisher);
    expect(first).toMatchObject({ intact: true });
    expect(first.anchorsPublished).toBeGreaterThanOrEqual(1);
    // The job runs again (a retry after a failure, a second worker): nothing more is recorded or sent.
    const again = await processVerifyChainJob(store, job, publisher);
    expect(again.recordedAt).toBe(first.recordedAt);
    const verifications = await store.readStream(AUDIT_VERIFICATION_STREAM);
    expect(verifications).toHaveLength(1);
    const anchors = await anchorsOf();
    expect(anchors).toHaveLength(1);
    published = anchors[0].data as unknown as AuditAnchorData;
    const verified = verifications[0].data as { headSeal: { seq: number; hash: string }; intactUpTo: number };
    expect(published).toMatchObject({ tenant: 'cciaa-po', seq: verified.headSeal.seq, hash: verified.headSeal.hash, position: verified.intactUpTo, at: verifications[0].metadata.occurredAt, webhooks: ['testimone'] });
    expect(published.recipients.map((r) => r.userId).sort()).toEqual(['u-oiv', 'u-rpct']);

    // E-mail: one message to both, in Italian, with the seal, the position, the time and how to verify.
    const mail = await waitFor('the anchor e-mail', async () => smtp.mails.find((m) => /X-Ciclo-Anchor-Key/i.test(m.raw)));
    await sleep(500);
    expect(smtp.mails.filter((m) => /X-Ciclo-Anchor-Key/i.test(m.raw))).toHaveLength(1);
    expect(mail.to.sort()).toEqual(['oiv@example.org', 'rpct@example.org']);
    const text = decodedText(mail.raw).replace(/\r?\n[ \t]+/g, ' ');
    expect(text).toContain(`Ancoraggio del registro di audit di ${demoTenant.name} (cciaa-po).`);
    expect(text).toContain(`Sigillo di testa: n. ${published.seq}`);
    expect(text).toContain(published.hash);
    expect(text).toContain(`Posizione globale verificata integra: ${published.position}`);
    expect(text).toMatch(/Data e ora della verifica: \d{2}\/\d{2}\/\d{4} \d{2}:\d{2} \(ora di Roma\)/);
    expect(text).toContain(`Firma: Ed25519, chiave con impronta ${keyFingerprint(signing)}`);
    expect(text.replace(/=\r?\n/g, '')).toContain('ciclo audit verify --anchor A1.');

    // Webhook: one signed delivery of `audit.anchor` carrying the signed anchor.
    const hook = await waitFor('the witness’s webhook', async () => receiver.received.find((r) => r.headers['x-ciclo-event'] === 'audit.anchor'));
    await sleep(300);
    expect(receiver.received.filter((r) => r.headers['x-ciclo-event'] === 'audit.anchor')).toHaveLength(1);
    expect(verifyWebhookSignature(SECRET, String(hook.headers['x-ciclo-timestamp']), hook.body, String(hook.headers['x-ciclo-signature']))).toBe(true);
    const body = JSON.parse(hook.body) as { type: string; tenant: string; data: AuditAnchorData };
    expect(body).toMatchObject({ type: 'audit.anchor', tenant: 'cciaa-po', data: { seq: published.seq, hash: published.hash, signature: published.signature } });

    // In-app: the RPCT and the OIV each have it; the PO does not.
    for (const token of [rpct, oiv]) {
      const items = await waitFor('the in-app notification', async () => {
        const r = await api.call<{ kind: string; title: string; link: string }[]>('GET', '/notifications', { token });
        return r.body.filter((i) => i.kind === 'audit_anchor').length ? r.body.filter((i) => i.kind === 'audit_anchor') : null;
      });
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({ title: `Ancoraggio del registro pubblicato: sigillo n. ${published.seq}`, link: 'https://ciclo.example.org/registro' });
    }
    expect((await api.call<{ kind: string }[]>('GET', '/notifications', { token: po })).body.filter((i) => i.kind === 'audit_anchor')).toHaveLength(0);
  });

  it('signs the anchor; verification accepts it and refuses it altered or signed with another key', async () => {
    const anchor = parseSignedAnchor(published.token) as SignedAnchor;
    expect(anchor.keyFingerprint).toBe(keyFingerprint(signing));
    const ok = await api.call<{ intact: boolean }>('GET', `/audit/verify?anchor=${published.token}`, { token: oiv });
    expect(ok.status).toBe(200);
    expect(ok.body.intact).toBe(true);

    // Altered: the facts no longer match the signature.
    const altered = encodeAnchorToken({ ...anchor, position: anchor.position + 1 });
    const r1 = await api.call<{ code: string; message: string; messageIt: string }>('GET', `/audit/verify?anchor=${altered}`, { token: rpct });
    expect(r1.status).toBe(422);
    expect(r1.body.code).toBe('ANCHOR_SIGNATURE_INVALID');
    expect(r1.body.messageIt).toContain('alterato');
    expect(r1.body.message).toContain('query.anchor');
    // A forger's own key: well signed, but not with the configured key.
    const forged = encodeAnchorToken(signAnchor({ tenant: 'cciaa-po', position: anchor.position, seq: anchor.seq, hash: 'f'.repeat(64), at: anchor.at }, other));
    const r2 = await api.call<{ code: string }>('GET', `/audit/verify?anchor=${forged}`, { token: rpct });
    expect(r2.status).toBe(422);
    expect(r2.body.code).toBe('ANCHOR_KEY_UNKNOWN');
    // Not an anchor at all.
    const r3 = await api.call<{ fields: { field: string }[] }>('GET', '/audit/verify?anchor=A1.bm90LWpzb24', { token: rpct });
    expect(r3.status).toBe(400);
    expect(r3.body.fields[0].field).toBe('query.anchor');

    // The command line: the webhook body as a file, the token; refused when altered (exit 2).
    const cli = async (...args: string[]) => {
      const saved = { url: process.env.DATABASE_URL, key: process.env.AUDIT_SIGNING_PUBLIC_KEY, code: process.exitCode };
      const printed: string[] = [];
      const spy = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
        printed.push(String(s));
        return true;
      });
      let code: number | undefined;
      try {
        process.env.DATABASE_URL = api.db.url;
        // The verifier holds only the public key.
        process.env.AUDIT_SIGNING_PUBLIC_KEY = createPublicKey(signing).export({ type: 'spki', format: 'pem' }).toString();
        process.exitCode = undefined;
        await buildCli().parseAsync(['node', 'ciclo', ...args]);
        code = process.exitCode;
      } finally {
        spy.mockRestore();
        process.env.DATABASE_URL = saved.url;
        if (saved.key === undefined) delete process.env.AUDIT_SIGNING_PUBLIC_KEY;
        else process.env.AUDIT_SIGNING_PUBLIC_KEY = saved.key;
        process.exitCode = saved.code;
      }
      return { out: printed.join(''), code: code ?? 0 };
    };
    const hookFile = join(dir, 'webhook.json');
    writeFileSync(hookFile, receiver.received.find((r) => r.headers['x-ciclo-event'] === 'audit.anchor')?.body ?? '');
    const good = await cli('audit', 'verify', '--json', '--anchor', hookFile);
    expect(good.code).toBe(0);
    expect(JSON.parse(good.out)).toMatchObject({ intact: true });
    expect((await cli('audit', 'verify', '--anchor', published.token)).code).toBe(0);
    const refused = await cli('audit', 'verify', '--anchor', altered);
    expect(refused.code).toBe(2);
    expect(refused.out).toContain('ANCHOR_SIGNATURE_INVALID');
    const wrongKey = await cli('audit', 'verify', '--anchor', forged);
    expect(wrongKey.code).toBe(2);
    expect(wrongKey.out).toContain('ANCHOR_KEY_UNKNOWN');
  });

  it('GET /audit/anchors pages the published anchors for the RPCT, OIV and administrators, and refuses other roles', async () => {
    const r = await api.call<{ items: Record<string, unknown>[]; total: number; limit: number; offset: number }>('GET', '/audit/anchors?limit=5', { token: rpct });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ total: 1, limit: 5, offset: 0 });
    expect(r.body.items[0]).toMatchObject({
      seq: published.seq,
      hash: published.hash,
      position: published.position,
      signed: true,
      signatureValid: true,
      keyFingerprint: keyFingerprint(signing),
      token: published.token,
      channels: { email: { recipients: 2, status: 'sent' }, inApp: 2, webhooks: ['testimone'] },
    });
    expect((await api.call<{ items: unknown[] }>('GET', '/audit/anchors?offset=1', { token: oiv })).body.items).toEqual([]);

    const refused = await api.call<{ code: string; messageIt: string }>('GET', '/audit/anchors', { token: po });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('AUDIT_ANCHORS_NOT_ALLOWED');
    expect(refused.body.messageIt).toContain('RPCT');
    const bad = await api.call<{ fields: { field: string }[] }>('GET', '/audit/anchors?limit=0', { token: rpct });
    expect(bad.status).toBe(400);
    expect(bad.body.fields[0].field).toBe('query.limit');
  });

  it('a job that failed on SMTP is retried: the same verification, the same anchor, one e-mail', async () => {
    const broken = new EmailChannel('smtp://127.0.0.1:1', 'Ciclo <ciclo@example.org>', { pool: false });
    const failing = new AnchorPublisher({ ...publisherOptions, email: broken });
    const job = { id: 'repeat:nightly-chain-verification:3', timestamp: 1_800_172_800_000, data: { trigger: 'nightly' as const } };
    const mailsBefore = smtp.mails.length;
    try {
      await expect(processVerifyChainJob(store, job, failing)).rejects.toThrow();
    } finally {
      broken.close();
    }
    // Recorded before the e-mail failed: the anchor is in the store (in-app and webhook follow it).
    expect(await anchorsOf()).toHaveLength(2);
    const retried = await processVerifyChainJob(store, job, publisher);
    expect(retried.anchorsPublished).toBeGreaterThanOrEqual(1);
    expect(await anchorsOf()).toHaveLength(2);
    await waitFor('the retried e-mail', async () => smtp.mails.length > mailsBefore);
    await processVerifyChainJob(store, job, publisher);
    await sleep(300);
    expect(smtp.mails.length).toBe(mailsBefore + 1);
    const page = await api.call<{ items: { channels: { email: { status: string } } }[]; total: number }>('GET', '/audit/anchors', { token: rpct });
    expect(page.body.total).toBe(2);
    expect(page.body.items.map((i) => i.channels.email.status)).toEqual(['sent', 'sent']);
  });

  it('publishes nothing when the chain is broken: its head would anchor the damage', async () => {
    const { rows } = await api.pool.query<{ position: string }>("SELECT position FROM es_events WHERE stream_id LIKE 'cciaa-po/cycle-%' ORDER BY position LIMIT 1");
    const bad = Number(rows[0].position);
    const admin = new Client({ connectionString: api.db.url });
    await admin.connect();
    try {
      await admin.query('ALTER TABLE es_events DISABLE TRIGGER USER');
      await admin.query(`UPDATE es_events SET data = jsonb_set(data, '{title}', '"ritoccato"') WHERE position = $1`, [bad]);
      await admin.query('ALTER TABLE es_events ENABLE TRIGGER USER');
    } finally {
      await admin.end();
    }
    const mailsBefore = smtp.mails.length;
    const before = (await anchorsOf()).length;
    const r = await processVerifyChainJob(store, { id: 'repeat:nightly-chain-verification:2', timestamp: 1_800_086_400_000, data: { trigger: 'nightly' } }, publisher);
    expect(r).toMatchObject({ intact: false, firstBadPosition: bad, anchorsPublished: 0 });
    expect(await anchorsOf()).toHaveLength(before);
    await sleep(300);
    expect(smtp.mails.length).toBe(mailsBefore);
  });
});

// Shared pieces of the deadlines tests: a migrated database with an event store, a real SMTP server
// and HTTP receiver started in the test, commands run through the real decider, and polling.
import { createServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { decide, type CycleCommand, type Role } from '@ciclo/domain';
import { PostgresEventStore } from '@ciclo/event-store';
import { CycleRepository, DefinitionRegistry } from '@ciclo/workflow';
import { GrantedRecipients, StaticTenantDirectory, type PeopleSource, type TenantFile } from '@ciclo/notifications';
import { migrateDatabase } from '../../apps/cli/src/migrations';
import { createTestDatabase, type TestDatabase } from '../support/database';

export const ROOT = resolve(__dirname, '../..');
export const definitions = DefinitionRegistry.fromDirectory(resolve(ROOT, 'seeds/cycles'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const demoTenant = require('../../seeds/tenants/demo.json') as TenantFile & { id: string };

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 15_000, everyMs = 50): Promise<T> {
  const t0 = Date.now();
  let last: unknown = null;
  while (Date.now() - t0 < timeoutMs) {
    try {
      const v = await fn();
      if (v !== null && v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    await sleep(everyMs);
  }
  throw new Error(`Timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

export interface Db {
  db: TestDatabase;
  store: PostgresEventStore;
  repo: CycleRepository;
  close(): Promise<void>;
}

export async function openDb(label: string): Promise<Db> {
  const db = await createTestDatabase(label);
  await migrateDatabase(db.url);
  const store = new PostgresEventStore({ connectionString: db.url, poolSize: 6 });
  return {
    db,
    store,
    repo: new CycleRepository(store),
    async close() {
      await store.close();
      await db.drop();
    },
  };
}

/** Runs one command through the real decider and appends its events, as the API would. */
export async function run(
  d: Db,
  tenant: string,
  cycleId: string,
  command: CycleCommand,
  by: { userId: string; roles: Role[] },
  now: Date,
  cycleType?: string,
): Promise<void> {
  const { state } = await d.repo.load(tenant, cycleId);
  const def = command.type === 'open' ? definitions.latest(cycleType as string) : definitions.get(state.cycleType, state.definitionVersion);
  if (!def) throw new Error('no definition');
  const events = decide(command, state, { actor: { userId: by.userId, tenant, roles: by.roles }, now, definition: def });
  await d.repo.append(tenant, cycleId, events, state.version, def.version, { correlationId: randomUUID(), causationId: null, idempotencyKey: null }, command.type);
}

export async function openCycle(d: Db, tenant: string, type: string, year: number, now: Date, by: { userId: string; roles: Role[] }): Promise<string> {
  const id = randomUUID();
  await run(d, tenant, id, { type: 'open', cycleId: id, year }, by, now, type);
  return id;
}

/** The message with quoted-printable soft breaks and escapes decoded (UTF-8). */
export function decodedText(raw: string): string {
  const joined = raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  return Buffer.from(joined, 'latin1').toString('utf8');
}

export interface Mail {
  from: string;
  to: string[];
  raw: string;
  key: string | null;
}

/** A real SMTP server (smtp-server) on a free port, keeping every message it accepted. */
export async function startSmtp(onMessage?: (m: Mail) => void, options: { answerAfterMs?: number } = {}): Promise<{ url: string; mails: Mail[]; close(): Promise<void> }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const m: Mail = {
          from: session.envelope.mailFrom ? (session.envelope.mailFrom as { address: string }).address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          key: /^X-Ciclo-Reminder-Key:\s*(.+)$/im.exec(raw.replace(/\r?\n[ \t]+/g, ''))?.[1]?.trim() ?? null,
        };
        const accept = () => {
          mails.push(m);
          callback();
          onMessage?.(m);
        };
        // A slow server: the message is kept (accepted) only when the answer goes out.
        if (options.answerAfterMs) setTimeout(accept, options.answerAfterMs);
        else accept();
      });
    },
  });
  // A sender killed mid-session (the SIGKILL tests) resets its connection: smtp-server reports that
  // as an 'error' event, which without a listener would end the whole test file.
  server.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'ECONNRESET' && err.code !== 'EPIPE') console.error('test SMTP server:', err);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.server.address() as AddressInfo).port;
  return { url: `smtp://127.0.0.1:${port}`, mails, close: () => new Promise<void>((r) => server.close(() => r())) };
}

export interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A real HTTP server receiving webhooks; `status` decides the answer. */
export async function startReceiver(status: (r: Received, n: number) => number = () => 204): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(r);
      res.statusCode = status(r, received.length);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/hooks/ciclo`, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/**
 * The demo chamber's people as the identity directory holds them once `ciclo seed demo` has recorded
 * the demo file's grants: a stand-in for it where a test runs no identity directory.
 */
export const demoPeople: PeopleSource = {
  people: async (tenant) =>
    tenant === demoTenant.id ? (demoTenant.users ?? []).map((u) => ({ userId: u.id, name: u.name, email: u.email ?? null, roles: u.roles as Role[] })) : null,
};

/** The demo chamber (its settings, its people from `people`) with a webhook to `url` (secret from WEBHOOK_SECRET_TEST). */
export function directoryWith(webhookUrl?: string, extra: Partial<TenantFile> = {}, people: PeopleSource = demoPeople): GrantedRecipients {
  const settings = new StaticTenantDirectory([
    {
      ...demoTenant,
      ...(webhookUrl ? { webhooks: [{ id: 'protocollo', url: webhookUrl, secretEnv: 'WEBHOOK_SECRET_TEST', events: ['reminder.sent', 'deadline.moved'], enabled: true }] } : { webhooks: [] }),
      ...extra,
    },
  ]);
  return new GrantedRecipients(people, settings);
}

export const SG = { userId: 'u-demo-sg', roles: ['segretario_generale'] as Role[] };
export const RPCT = { userId: 'u-demo-rpct', roles: ['rpct'] as Role[] };
export const PO = { userId: 'u-demo-po-1', roles: ['po'] as Role[] };
export const TENANT = 'cciaa-po';

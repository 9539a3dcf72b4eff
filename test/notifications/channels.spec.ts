// Notification pieces on their own: Italian texts, webhook signatures, the seed directory, the
// in-app projector committing rows with its checkpoint.
import { resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  GrantedRecipients,
  INBOX_SUBSCRIPTION,
  Inbox,
  NOTIFICATIONS_MIGRATIONS,
  REMINDER_SENT,
  renderReminder,
  reminderEventId,
  signWebhook,
  StaticTenantDirectory,
  startInboxProjector,
  verifyWebhookSignature,
  whenText,
  type ReminderSentData,
} from '@ciclo/notifications';
import { runSqlMigrations } from '@ciclo/event-store';
import { demoTenant, openDb, waitFor } from '../deadlines/support';

const sample = (over: Partial<ReminderSentData> = {}): ReminderSentData => ({
  key: 'rem|cciaa-po|c1|adozione|2027-01-31|0',
  cycleId: '00000000-0000-4000-8000-000000000001',
  cycleType: 'piao',
  cycleTitle: 'Piano integrato di attività e organizzazione (PIAO) 2027-2029',
  periodLabel: '2027-2029',
  deadlineId: 'adozione',
  deadlineTitle: 'Adozione del PIAO entro il 31 gennaio',
  legalReference: 'DL 80/2021 art. 6 c. 1',
  legalDate: '2027-01-31',
  effectiveDate: '2027-02-01',
  effectiveReason: 'Il termine cade di domenica: slitta al primo giorno non festivo, lunedì 1 febbraio 2027',
  offset: 0,
  kind: 'due',
  daysLeft: 0,
  escalation: false,
  stage: 'bozza',
  stageTitle: 'Bozza',
  dueAt: '2027-02-01T08:00:00.000Z',
  link: 'https://ciclo.example.org/cicli/00000000-0000-4000-8000-000000000001',
  recipients: [{ userId: 'u-demo-po-1', name: 'Luca Prova', email: 'luca.prova@example.org', reason: 'actor' }],
  ...over,
});

describe('reminder texts (Italian)', () => {
  it('says when, the cycle, the deadline, the effective and legal dates, days left and the link', () => {
    const m = renderReminder(sample());
    expect(m.subject).toBe('[Ciclo] Promemoria – Scade oggi: Adozione del PIAO entro il 31 gennaio (Piano integrato di attività e organizzazione (PIAO) 2027-2029)');
    expect(m.text).toContain('Data effettiva di scadenza: lunedì 1 febbraio 2027');
    expect(m.text).toContain('Data di legge: domenica 31 gennaio 2027 (Il termine cade di domenica');
    expect(m.text).toContain('Giorni rimanenti: 0');
    expect(m.text).toContain('Apri il ciclo: https://ciclo.example.org/cicli/');
    expect(m.html).toContain('<a href="https://ciclo.example.org/cicli/00000000-0000-4000-8000-000000000001">');
    const late = renderReminder(sample({ daysLeft: -7, escalation: true, kind: 'overdue', offset: -7 }));
    expect(late.subject).toMatch(/^\[Ciclo\] SOLLECITO – Scaduta da 7 giorni: /);
    expect(late.text).toContain('Giorni di ritardo: 7');
    expect([whenText(30), whenText(1), whenText(0), whenText(-1)]).toEqual(['Scade tra 30 giorni', 'Scade domani', 'Scade oggi', 'Scaduta da 1 giorno']);
  });

  it('escapes HTML', () => {
    expect(renderReminder(sample({ cycleTitle: 'A <b> & "c"' })).html).toContain('A &lt;b&gt; &amp; &quot;c&quot;');
  });
});

describe('webhook signatures', () => {
  it('HMAC-SHA256 over "<timestamp>.<body>", checked in constant time with a bounded age', () => {
    const body = JSON.stringify({ id: 'x', type: 'reminder.sent' });
    const now = Date.UTC(2027, 0, 15, 10);
    const t = Math.floor(now / 1000);
    const sig = signWebhook('s3cret', t, body);
    expect(sig).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature('s3cret', String(t), body, sig, now)).toBe(true);
    expect(verifyWebhookSignature('s3cret', String(t), `${body} `, sig, now)).toBe(false);
    expect(verifyWebhookSignature('other', String(t), body, sig, now)).toBe(false);
    expect(verifyWebhookSignature('s3cret', String(t), body, sig, now + 3600_000)).toBe(false);
  });
});

describe('tenant settings from seeds/tenants', () => {
  const dir = StaticTenantDirectory.fromDirectory(resolve(__dirname, '../../seeds/tenants'));
  it("gives the chamber's settings and none of the file's people (those reach reminders only as grants)", async () => {
    // The demo file lists people: input for `ciclo seed demo`, not a directory.
    expect(demoTenant.users?.some((u) => u.roles.includes('po'))).toBe(true);
    const nobodyGranted = new GrantedRecipients({ people: async () => null }, dir);
    expect(await nobodyGranted.withRoles('cciaa-po', ['po', 'segretario_generale'])).toEqual([]);
    expect(await nobodyGranted.user('cciaa-po', 'u-demo-sg')).toBeNull();
    expect(nobodyGranted.profile('cciaa-po')?.name).toBe(demoTenant.name);
    expect(dir.profile('cciaa-xx')).toBeNull();
    expect(dir.profile('cciaa-po')).toMatchObject({ timeZone: 'Europe/Rome', calendar: { patronDays: [], extraClosures: [] } });
    expect(dir.profile('cciaa-po')?.webhooks.every((w) => !w.enabled || w.secretEnv)).toBe(true);
  });
});

describe('in-app inbox projector', () => {
  it('writes one row per recipient, exactly once, with its checkpoint', async () => {
    const d = await openDb('inbox');
    try {
      await runSqlMigrations(d.store.pool, NOTIFICATIONS_MIGRATIONS);
      const data = sample({ recipients: [sample().recipients[0], { userId: 'u-demo-sg', name: 'Giulia Esempio', email: null, reason: 'escalation' }], escalation: true });
      const event = {
        eventId: reminderEventId(data.key),
        type: REMINDER_SENT,
        data: data as never,
        metadata: { tenant: 'cciaa-po', actorId: 'system', actorRole: 'system', occurredAt: '2027-02-01T08:00:05.000Z', correlationId: randomUUID(), causationId: null, schemaVersion: 1 },
      };
      await d.store.append(`cciaa-po/reminders-${data.cycleId}`, [event], { expectedVersion: 'any' });
      expect((await d.store.append(`cciaa-po/reminders-${data.cycleId}`, [event], { expectedVersion: 'any' })).replayed).toBe(true);
      const sub = startInboxProjector(d.store, { pollIntervalMs: 50 });
      await sub.caughtUp;
      await sub.stop();
      const inbox = new Inbox(d.store.pool);
      const sg = await inbox.list('cciaa-po', 'u-demo-sg');
      expect(sg).toHaveLength(1);
      expect(sg[0]).toMatchObject({ kind: 'reminder_escalation', escalation: true, title: 'Scade oggi: Adozione del PIAO entro il 31 gennaio', cycleId: data.cycleId });
      expect(await inbox.list('cciaa-po', 'u-demo-po-1')).toHaveLength(1);
      expect(await d.store.checkpointOf(INBOX_SUBSCRIPTION)).not.toBeNull();
      // Started again from its checkpoint: nothing is written twice.
      const again = startInboxProjector(d.store, { pollIntervalMs: 50 });
      await again.caughtUp;
      await again.stop();
      await waitFor('rows', async () => (await d.store.pool.query('SELECT count(*)::int AS n FROM ntf_inbox')).rows[0].n === 2);
    } finally {
      await d.close();
    }
  });
});

// The in-app notifications over HTTP: the list, the unread count the console's bell shows, marking
// one read (idempotent, only one's own), and the refusals.
import { EVENT_STORE } from '@ciclo/platform';
import type { PostgresEventStore } from '@ciclo/event-store';
import { startTestApi, type TestApi } from '../support/api';
import { sendReminders } from './inbox-support';

interface Item {
  id: string;
  title: string;
  cycleId: string | null;
  readAt: string | null;
}

describe('GET /notifications, GET /notifications/unread-count, POST /notifications/{id}/read', () => {
  let api: TestApi;
  let po: string;
  let sg: string;
  const cycleId = '00000000-0000-4000-8000-0000000000a1';

  beforeAll(async () => {
    api = await startTestApi('inboxhttp');
    po = await api.token('u-po', ['po']);
    sg = await api.token('u-sg', ['segretario_generale']);
    await sendReminders(api.app.get<PostgresEventStore>(EVENT_STORE), 'cciaa-po', [
      { cycleId, cycleTitle: 'PIAO 2027-2029', deadlineId: 'adozione', deadlineTitle: 'Adozione del PIAO', recipients: [{ userId: 'u-po', name: 'Luca Prova' }], daysLeft: 3 },
      { cycleId, cycleTitle: 'PIAO 2027-2029', deadlineId: 'pubblicazione', deadlineTitle: 'Pubblicazione del PIAO', recipients: [{ userId: 'u-po', name: 'Luca Prova' }, { userId: 'u-sg', name: 'Giulia Esempio' }], daysLeft: -2, escalation: true },
    ]);
  });
  afterAll(async () => {
    await api?.close();
  });

  it('counts the unread ones, and marking one read lowers the count once', async () => {
    const list = await api.call<Item[]>('GET', '/notifications', { token: po });
    expect(list.status).toBe(200);
    expect(list.body).toHaveLength(2);
    expect(list.body.every((i) => i.cycleId === cycleId && i.readAt === null)).toBe(true);
    expect((await api.call('GET', '/notifications/unread-count', { token: po })).body).toEqual({ unread: 2 });
    expect((await api.call('GET', '/notifications/unread-count', { token: sg })).body).toEqual({ unread: 1 });

    const first = list.body[0];
    expect((await api.call('POST', `/notifications/${first.id}/read`, { token: po })).status).toBe(204);
    expect((await api.call('GET', '/notifications/unread-count', { token: po })).body).toEqual({ unread: 1 });
    const after = await api.call<Item[]>('GET', '/notifications', { token: po });
    const readAt = after.body.find((i) => i.id === first.id)?.readAt;
    expect(readAt).toEqual(expect.any(String));
    // Again: still 204, the first reading time kept.
    expect((await api.call('POST', `/notifications/${first.id}/read`, { token: po })).status).toBe(204);
    const again = await api.call<Item[]>('GET', '/notifications', { token: po });
    expect(again.body.find((i) => i.id === first.id)?.readAt).toBe(readAt);
    const unread = await api.call<Item[]>('GET', '/notifications?unread=true', { token: po });
    expect(unread.body.map((i) => i.id)).toEqual(after.body.filter((i) => i.id !== first.id).map((i) => i.id));
  });

  it("refuses marking another person's notification (404) and a malformed id (400), changing nothing", async () => {
    const sgItems = await api.call<Item[]>('GET', '/notifications', { token: sg });
    const foreign = await api.call<{ code: string; messageIt: string }>('POST', `/notifications/${sgItems.body[0].id}/read`, { token: po });
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('NOTIFICATION_NOT_FOUND');
    expect(foreign.body.messageIt).toBe('Notifica inesistente');
    expect((await api.call('GET', '/notifications/unread-count', { token: sg })).body).toEqual({ unread: 1 });
    const bad = await api.call<{ code: string; fields: { field: string }[] }>('POST', '/notifications/not-a-uuid/read', { token: po });
    expect(bad.status).toBe(400);
    expect(bad.body.fields.map((f) => f.field)).toEqual(['path.id']);
    expect((await api.call('GET', '/notifications/unread-count')).status).toBe(401);
  });
});

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PostgresEventStore } from '@ciclo/event-store';
import {
  DirectoryService,
  IdentityRefusal,
  loadDemoDirectory,
  rolesAt,
  TenantCalendars,
  type ChangeAuthor,
} from '@ciclo/identity';
import { buildCli } from '../../apps/cli/src/main';
import { createTestDatabase, type TestDatabase } from '../support/database';

const admin: ChangeAuthor = { userId: 'u-admin', role: 'admin' };
const meta = { correlationId: 'corr-directory-test' };
const refusal = async (p: Promise<unknown>): Promise<IdentityRefusal> => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(IdentityRefusal);
  return err as IdentityRefusal;
};

describe('DirectoryService on PostgreSQL', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let dir: DirectoryService;
  let clock = new Date('2026-03-02T10:00:00Z');

  beforeAll(async () => {
    db = await createTestDatabase('directory');
    store = new PostgresEventStore({ connectionString: db.url, poolSize: 4 });
    await store.migrate();
    dir = new DirectoryService(store, { clock: () => clock });
    await dir.registerTenant(
      { id: 'cciaa-po', name: 'Camera di commercio di Pistoia-Prato', ipaCode: 'cciaa_po' },
      { userId: 'cli:root', role: 'system' },
      meta,
    );
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  describe('tenants', () => {
    it('registers a body with IPA code, time zone and closure days; the id is taken once', async () => {
      const t = await dir.registerTenant(
        {
          id: 'cciaa-fi',
          name: 'Camera di commercio di Firenze',
          ipaCode: 'cciaa_fi',
          timeZone: 'Europe/Rome',
          patronDays: [{ month: 6, day: 24, name: 'San Giovanni Battista', legalHoliday: false }],
          extraClosures: ['2026-12-24'],
        },
        { userId: 'u-root', role: 'admin', tenant: 'platform' },
        meta,
      );
      expect(t).toMatchObject({
        id: 'cciaa-fi',
        ipaCode: 'cciaa_fi',
        timeZone: 'Europe/Rome',
        extraClosures: ['2026-12-24'],
        registeredBy: 'u-root',
      });
      expect(t.patronDays).toEqual([
        { month: 6, day: 24, name: 'San Giovanni Battista', legalHoliday: false },
      ]);
      const { rows } = await store.pool.query(
        `SELECT type, metadata FROM es_events WHERE stream_id = 'cciaa-fi/tenant'`,
      );
      expect(rows).toEqual([
        expect.objectContaining({
          type: 'TenantRegistered',
          metadata: expect.objectContaining({
            actorId: 'u-root',
            actorRole: 'admin',
            actorTenant: 'platform',
            correlationId: meta.correlationId,
          }),
        }),
      ]);
      expect(
        (await refusal(dir.registerTenant({ id: 'cciaa-fi', name: 'Altra', ipaCode: 'x_y' }, admin, meta)))
          .code,
      ).toBe('TENANT_EXISTS');
    });

    it('names every malformed field and writes nothing', async () => {
      const head = await store.headPosition();
      const err = await refusal(
        dir.registerTenant(
          {
            id: 'Bad Id',
            name: '',
            ipaCode: 'no spaces',
            timeZone: 'Mars/Olympus',
            patronDays: [{ month: 2, day: 30, name: 'x', legalHoliday: false }],
          },
          admin,
          meta,
        ),
      );
      expect(err.code).toBe('INVALID_REQUEST');
      expect(err.fields.map((f) => f.field).sort()).toEqual([
        'id',
        'ipaCode',
        'name',
        'patronDays',
        'timeZone',
      ]);
      expect(
        (await refusal(dir.registerTenant({ id: 'platform', name: 'P', ipaCode: 'pp' }, admin, meta)))
          .fields[0].problem,
      ).toMatch(/reserved/);
      expect(await store.headPosition()).toBe(head);
    });
  });

  describe('role grants', () => {
    it('answers the roles a user holds at any date: grants with a period, revocations', async () => {
      clock = new Date('2026-03-02T10:00:00Z');
      await dir.grantRole('cciaa-po', 'u-maria', { role: 'segretario_generale' }, admin, meta);
      await dir.grantRole(
        'cciaa-po',
        'u-maria',
        { role: 'rpct', validFrom: '2026-04-01', validUntil: '2026-12-31' },
        admin,
        meta,
      );
      const at = (iso: string) => dir.rolesAt('cciaa-po', 'u-maria', new Date(iso));
      expect(await at('2026-03-02T09:59:59Z')).toEqual([]);
      expect(await at('2026-03-15T00:00:00Z')).toEqual(['segretario_generale']);
      // Dates are read in the tenant's time zone: 1 April starts at 00:00 in Rome (22:00 UTC the day before).
      expect(await at('2026-03-31T21:59:59Z')).toEqual(['segretario_generale']);
      expect(await at('2026-03-31T22:00:00Z')).toEqual(['segretario_generale', 'rpct']);
      // "until 2026-12-31" includes the 31st.
      expect(await at('2026-12-31T22:59:59Z')).toEqual(['segretario_generale', 'rpct']);
      expect(await at('2026-12-31T23:00:00Z')).toEqual(['segretario_generale']);

      clock = new Date('2026-06-01T08:00:00Z');
      const revoked = await dir.revokeRole(
        'cciaa-po',
        'u-maria',
        'segretario_generale',
        { userId: 'u-admin-2', role: 'admin' },
        meta,
      );
      expect(revoked.revokedAt).toBe('2026-06-01T08:00:00.000Z');
      expect(await at('2026-05-31T12:00:00Z')).toEqual(['segretario_generale', 'rpct']);
      expect(await at('2026-06-01T08:00:00Z')).toEqual(['rpct']);
      const rec = await dir.user('cciaa-po', 'u-maria');
      expect(rec?.grants).toEqual([
        expect.objectContaining({
          role: 'segretario_generale',
          grantedBy: 'u-admin',
          validFrom: '2026-03-02T10:00:00.000Z',
          revokedAt: '2026-06-01T08:00:00.000Z',
          revokedBy: 'u-admin-2',
        }),
        expect.objectContaining({
          role: 'rpct',
          validFrom: '2026-03-31T22:00:00.000Z',
          validUntil: '2026-12-31T23:00:00.000Z',
        }),
      ]);
      const { rows } = await store.pool.query<{
        type: string;
        data: Record<string, unknown>;
        metadata: Record<string, unknown>;
      }>(
        `SELECT type, data, metadata FROM es_events WHERE stream_id = 'cciaa-po/user-u-maria' ORDER BY version`,
      );
      expect(rows.map((r) => r.type)).toEqual(['RoleGranted', 'RoleGranted', 'RoleRevoked']);
      expect(rows[0].data).toEqual({
        userId: 'u-maria',
        role: 'segretario_generale',
        grantedBy: 'u-admin',
        validFrom: '2026-03-02T10:00:00.000Z',
      });
      expect(rows[2].metadata).toMatchObject({
        tenant: 'cciaa-po',
        actorId: 'u-admin-2',
        actorRole: 'admin',
        occurredAt: '2026-06-01T08:00:00.000Z',
      });
    });

    it('revoking a role also cancels a grant of it that has not started yet', async () => {
      clock = new Date('2026-03-02T10:00:00Z');
      await dir.grantRole('cciaa-po', 'u-future', { role: 'oiv', validFrom: '2026-09-01' }, admin, meta);
      await dir.revokeRole('cciaa-po', 'u-future', 'oiv', admin, meta);
      expect(await dir.rolesAt('cciaa-po', 'u-future', new Date('2026-10-01T00:00:00Z'))).toEqual([]);
      expect((await refusal(dir.revokeRole('cciaa-po', 'u-future', 'oiv', admin, meta))).code).toBe(
        'ROLE_NOT_GRANTED',
      );
    });

    it('refuses self-grants, overlaps, backdating, unknown tenants and non-admin platform roles; writes nothing', async () => {
      clock = new Date('2026-03-02T10:00:00Z');
      await dir.grantRole('cciaa-po', 'u-po', { role: 'po', validUntil: '2026-06-30' }, admin, meta);
      const head = await store.headPosition();
      expect(
        (await refusal(dir.grantRole('cciaa-po', 'u-admin', { role: 'segretario_generale' }, admin, meta)))
          .code,
      ).toBe('SELF_GRANT');
      expect((await refusal(dir.revokeRole('cciaa-po', 'u-admin', 'admin', admin, meta))).code).toBe(
        'SELF_GRANT',
      );
      expect(
        (
          await refusal(
            dir.grantRole('cciaa-po', 'u-po', { role: 'po', validFrom: '2026-05-01' }, admin, meta),
          )
        ).code,
      ).toBe('ROLE_ALREADY_GRANTED');
      expect(
        (
          await refusal(
            dir.grantRole('cciaa-po', 'u-po', { role: 'po', validFrom: '2025-01-01' }, admin, meta),
          )
        ).fields[0],
      ).toEqual({
        field: 'validFrom',
        problem: 'must not be in the past: grants are never backdated',
      });
      expect(
        (
          await refusal(
            dir.grantRole(
              'cciaa-po',
              'u-po',
              { role: 'po', validFrom: '2026-08-01', validUntil: '2026-07-01' },
              admin,
              meta,
            ),
          )
        ).fields[0].field,
      ).toBe('validUntil');
      expect((await refusal(dir.grantRole('cciaa-xx', 'u-po', { role: 'po' }, admin, meta))).code).toBe(
        'TENANT_NOT_FOUND',
      );
      expect(
        (await refusal(dir.grantRole('platform', 'u-root', { role: 'oiv' }, admin, meta))).fields[0].field,
      ).toBe('role');
      expect(
        (await refusal(dir.grantRole('cciaa-po', 'bad user', { role: 'king' }, admin, meta))).fields.map(
          (f) => f.field,
        ),
      ).toEqual(['userId', 'role']);
      expect((await refusal(dir.revokeRole('cciaa-po', 'u-nobody', 'po', admin, meta))).code).toBe(
        'USER_NOT_FOUND',
      );
      expect(await store.headPosition()).toBe(head);
      // A grant after the previous one ended is no overlap.
      await dir.grantRole('cciaa-po', 'u-po', { role: 'po', validFrom: '2026-07-01' }, admin, meta);
      expect(await dir.rolesAt('cciaa-po', 'u-po', new Date('2026-08-01T00:00:00Z'))).toEqual(['po']);
    });

    it('grants platform administrators in the platform tenant without registering it', async () => {
      await dir.grantRole(
        'platform',
        'u-root',
        { role: 'admin' },
        { userId: 'cli:root', role: 'system' },
        meta,
      );
      expect(await dir.rolesAt('platform', 'u-root')).toEqual(['admin']);
    });

    it('sees grants written by another process on the next read (cache checks for newer events)', async () => {
      clock = new Date('2026-03-02T10:00:00Z');
      const other = new DirectoryService(store, { clock: () => clock });
      expect(await dir.rolesAt('cciaa-po', 'u-cache')).toEqual([]);
      await other.grantRole('cciaa-po', 'u-cache', { role: 'dirigente' }, admin, meta);
      expect(await dir.rolesAt('cciaa-po', 'u-cache')).toEqual(['dirigente']);
      await dir.grantRole('cciaa-po', 'u-cache', { role: 'po' }, admin, meta);
      await other.revokeRole('cciaa-po', 'u-cache', 'dirigente', admin, meta);
      expect(await dir.rolesAt('cciaa-po', 'u-cache')).toEqual(['po']);
    });

    it('moves its cache forward by its own writes: the next read finds nothing new to fold; events carry their schema version', async () => {
      clock = new Date('2026-03-02T10:00:00Z');
      const read: number[] = [];
      const counting = Object.create(store) as PostgresEventStore;
      counting.readStream = async (...args: Parameters<PostgresEventStore['readStream']>) => {
        const events = await store.readStream(...args);
        read.push(events.length);
        return events;
      };
      const own = new DirectoryService(counting, { clock: () => clock });
      const grant = await own.grantRole('cciaa-po', 'u-forward', { role: 'rilevatore' }, admin, meta);
      expect(grant.role).toBe('rilevatore');
      read.length = 0;
      expect(await own.rolesAt('cciaa-po', 'u-forward')).toEqual(['rilevatore']);
      expect(read).toEqual([0]);
      const [event] = await store.readStream('cciaa-po/user-u-forward');
      expect(event).toMatchObject({ type: 'RoleGranted', metadata: { schemaVersion: 1, actorId: 'u-admin', correlationId: meta.correlationId } });
    });

    it('decides again when two administrators change the same user at once', async () => {
      clock = new Date('2026-03-02T10:00:00Z');
      const a = new DirectoryService(store, { clock: () => clock });
      const b = new DirectoryService(store, { clock: () => clock });
      await Promise.all([a.user('cciaa-po', 'u-race'), b.user('cciaa-po', 'u-race')]);
      const results = await Promise.allSettled([
        a.grantRole('cciaa-po', 'u-race', { role: 'po' }, admin, meta),
        b.grantRole(
          'cciaa-po',
          'u-race',
          { role: 'dirigente' },
          { userId: 'u-admin-2', role: 'admin' },
          meta,
        ),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
      expect((await dir.rolesAt('cciaa-po', 'u-race')).sort()).toEqual(['dirigente', 'po']);
      // The same role twice at once: exactly one grant.
      const twice = await Promise.allSettled([
        a.grantRole('cciaa-po', 'u-race2', { role: 'oiv' }, admin, meta),
        b.grantRole('cciaa-po', 'u-race2', { role: 'oiv' }, admin, meta),
      ]);
      expect(twice.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect((await dir.user('cciaa-po', 'u-race2'))?.grants).toHaveLength(1);
    });

    it('lists users with profiles, and who holds a role', async () => {
      await dir.setProfile(
        'cciaa-po',
        'u-po',
        { name: 'Luca Prova', email: 'luca.prova@example.org' },
        admin,
        meta,
      );
      const users = await dir.listUsers('cciaa-po');
      expect(users.map((u) => u.userId)).toEqual(expect.arrayContaining(['u-maria', 'u-po', 'u-cache']));
      expect(users.find((u) => u.userId === 'u-po')).toMatchObject({
        name: 'Luca Prova',
        email: 'luca.prova@example.org',
      });
      clock = new Date('2026-08-01T00:00:00Z');
      expect((await dir.usersWithRole('cciaa-po', 'rpct')).map((u) => u.userId)).toEqual(['u-maria']);
      expect(
        (await refusal(dir.setProfile('cciaa-po', 'u-po', { name: 'x', email: 'not-an-email' }, admin, meta)))
          .fields[0].field,
      ).toBe('email');
      // Another tenant's users are not listed.
      expect((await dir.listUsers('cciaa-fi')).map((u) => u.userId)).toEqual([]);
    });
  });

  describe('independence of the OIV (d.lgs. 150/2009 art. 14)', () => {
    const conflict = async (p: Promise<unknown>) => {
      const err = await refusal(p);
      expect({ code: err.code, status: err.status, fields: err.fields.map((f) => f.field) }).toEqual({
        code: 'OIV_NOT_INDEPENDENT',
        status: 409,
        fields: ['role'],
      });
      expect(err.messageIt).toContain("L'OIV deve essere indipendente");
      return err;
    };

    it('refuses oiv to a holder of an internal role, and an internal role to the OIV; writes nothing', async () => {
      clock = new Date('2026-03-02T10:00:00Z');
      await dir.grantRole('cciaa-po', 'u-ind-po', { role: 'po' }, admin, meta);
      const before = await store.headPosition();
      await conflict(dir.grantRole('cciaa-po', 'u-ind-po', { role: 'oiv' }, admin, meta));
      await dir.grantRole('cciaa-po', 'u-ind-oiv', { role: 'oiv' }, admin, meta);
      const afterOiv = await store.headPosition();
      expect(afterOiv).toBe(before + 1);
      for (const role of ['segretario_generale', 'rpct', 'dirigente', 'po', 'rilevatore', 'segreteria_organi', 'struttura_tecnica', 'presidente', 'admin'])
        await conflict(dir.grantRole('cciaa-po', 'u-ind-oiv', { role }, admin, meta));
      expect(await store.headPosition()).toBe(afterOiv);
      // Not internal: an observer, or the auditors (another external control body).
      await dir.grantRole('cciaa-po', 'u-ind-oiv', { role: 'osservatore' }, admin, meta);
      expect((await dir.rolesAt('cciaa-po', 'u-ind-oiv')).sort()).toEqual(['oiv', 'osservatore']);
    });

    it('allows the roles one after the other: an employee whose grant ends may be OIV from then on', async () => {
      clock = new Date('2026-03-02T10:00:00Z');
      await dir.grantRole('cciaa-po', 'u-ind-later', { role: 'dirigente', validUntil: '2026-06-30' }, admin, meta);
      await conflict(dir.grantRole('cciaa-po', 'u-ind-later', { role: 'oiv', validFrom: '2026-06-30' }, admin, meta));
      await dir.grantRole('cciaa-po', 'u-ind-later', { role: 'oiv', validFrom: '2026-07-01' }, admin, meta);
      // Revoking the internal role lifts the objection.
      await dir.grantRole('cciaa-po', 'u-ind-rev', { role: 'segreteria_organi' }, admin, meta);
      await conflict(dir.grantRole('cciaa-po', 'u-ind-rev', { role: 'oiv' }, admin, meta));
      await dir.revokeRole('cciaa-po', 'u-ind-rev', 'segreteria_organi', admin, meta);
      clock = new Date('2026-03-02T10:00:01Z');
      await dir.grantRole('cciaa-po', 'u-ind-rev', { role: 'oiv' }, admin, meta);
    });

    it('reports grants recorded before the rule, with `ciclo users check-independence`', async () => {
      clock = new Date('2026-03-02T10:00:00Z');
      // Written as events directly, as older versions allowed.
      const grant = (role: string, version: number) =>
        store.append(
          'cciaa-po/user-u-ind-old',
          [
            {
              eventId: `00000000-0000-4000-8000-00000000000${version}`,
              type: 'RoleGranted',
              data: { userId: 'u-ind-old', role, grantedBy: 'u-admin', validFrom: '2026-01-01T00:00:00.000Z' },
              metadata: { tenant: 'cciaa-po', actorId: 'u-admin', actorRole: 'admin', occurredAt: '2026-01-01T00:00:00.000Z', correlationId: 'old', causationId: null, schemaVersion: 1 },
            },
          ],
          { expectedVersion: version === 1 ? 'no_stream' : version - 1 },
        );
      await grant('po', 1);
      await grant('oiv', 2);
      const found = await dir.independenceConflicts('cciaa-po');
      expect(found.map((c) => ({ userId: c.userId, oiv: c.oiv.map((g) => g.role), internal: c.internal.map((g) => g.role) }))).toEqual([
        { userId: 'u-ind-old', oiv: ['oiv'], internal: ['po'] },
      ]);
      const saved = { url: process.env.DATABASE_URL, code: process.exitCode };
      const printed: string[] = [];
      const spy = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
        printed.push(String(s));
        return true;
      });
      let code: typeof process.exitCode;
      try {
        process.env.DATABASE_URL = db.url;
        await buildCli().parseAsync(['node', 'ciclo', 'users', 'check-independence', '--tenant', 'cciaa-po']);
        code = process.exitCode;
      } finally {
        spy.mockRestore();
        process.env.DATABASE_URL = saved.url;
        process.exitCode = saved.code;
      }
      expect(code).toBe(1);
      expect(printed.join('')).toContain('u-ind-old: oiv from 2026-01-01T00:00:00.000Z conflicts with po from 2026-01-01T00:00:00.000Z');
      expect(printed.join('')).toContain('1 user(s) break');
    });
  });

  describe('API keys', () => {
    it('issues a key once, stores only its hash, verifies it, and refuses it after revocation', async () => {
      clock = new Date('2026-03-02T10:00:00Z');
      const issued = await dir.issueApiKey(
        'cciaa-po',
        { label: 'Protocollo informatico', roles: ['segreteria_organi'] },
        admin,
        meta,
      );
      expect(issued.keyId).toMatch(/^cciaa-po:k[0-9a-f]{24}$/);
      const secret = issued.apiKey.slice(issued.keyId.length + 1);
      expect(secret).toHaveLength(43);
      const { rows } = await store.pool.query<{ data: Record<string, unknown> }>(
        `SELECT data FROM es_events WHERE stream_id = 'cciaa-po/api-keys'`,
      );
      expect(JSON.stringify(rows)).not.toContain(secret);
      expect(rows[0].data).toMatchObject({
        keyId: issued.keyId,
        roles: ['segreteria_organi'],
        label: 'Protocollo informatico',
        issuedBy: 'u-admin',
      });
      expect(rows[0].data.hash).toMatch(/^[0-9a-f]{64}$/);

      const actor = await dir.verifyApiKey(issued.apiKey);
      expect(actor).toMatchObject({
        tenant: 'cciaa-po',
        roles: ['segreteria_organi'],
        via: 'api_key',
        name: 'Protocollo informatico',
      });
      expect(actor.userId).toBe(`apikey:${issued.keyId.split(':')[1]}`);

      const wrong = `${issued.keyId}.${'A'.repeat(43)}`;
      await expect(dir.verifyApiKey(wrong)).rejects.toMatchObject({ reason: 'invalid API key' });
      await expect(
        dir.verifyApiKey(`cciaa-fi:${issued.keyId.split(':')[1]}.${secret}`),
      ).rejects.toMatchObject({ reason: 'invalid API key' });
      await expect(dir.verifyApiKey('garbage')).rejects.toMatchObject({
        reason: expect.stringMatching(/malformed/),
      });

      await dir.revokeApiKey('cciaa-po', issued.keyId, admin, meta);
      await expect(dir.verifyApiKey(issued.apiKey)).rejects.toMatchObject({ reason: 'API key revoked' });
      expect((await refusal(dir.revokeApiKey('cciaa-po', issued.keyId, admin, meta))).code).toBe(
        'API_KEY_REVOKED',
      );
      expect((await refusal(dir.revokeApiKey('cciaa-fi', issued.keyId, admin, meta))).code).toBe(
        'API_KEY_NOT_FOUND',
      );
    });

    it('expires keys, refuses admin keys and keys of the platform tenant', async () => {
      clock = new Date('2026-03-02T10:00:00Z');
      const k = await dir.issueApiKey(
        'cciaa-po',
        { label: 'Temporanea', roles: ['osservatore'], validUntil: '2026-03-31' },
        admin,
        meta,
      );
      await expect(dir.verifyApiKey(k.apiKey)).resolves.toMatchObject({ roles: ['osservatore'] });
      clock = new Date('2026-04-01T00:00:00Z');
      await expect(dir.verifyApiKey(k.apiKey, clock)).rejects.toMatchObject({ reason: 'API key expired' });
      clock = new Date('2026-03-02T10:00:00Z');
      const err = await refusal(
        dir.issueApiKey('cciaa-po', { label: 'x', roles: ['admin', 'king'] }, admin, meta),
      );
      expect(err.fields.map((f) => f.field)).toEqual(['roles.0', 'roles.1']);
      expect(
        (await refusal(dir.issueApiKey('platform', { label: 'x', roles: ['po'] }, admin, meta))).fields[0]
          .field,
      ).toBe('tenant');
    });
  });

  it('loads the demo chamber from its seed file, and writes nothing the second time', async () => {
    clock = new Date();
    const file = resolve(__dirname, '../../seeds/tenants/demo.json');
    // The demo tenant id is the one registered above: load it into a database of its own.
    const db2 = await createTestDatabase('directory-demo');
    const store2 = new PostgresEventStore({ connectionString: db2.url, poolSize: 2 });
    try {
      await store2.migrate();
      const d2 = new DirectoryService(store2);
      const first = await loadDemoDirectory(d2, file);
      expect(first).toMatchObject({ tenant: 'cciaa-po', tenantRegistered: true, tenantProfile: true, grants: 9, profiles: 9 });
      const head = await store2.headPosition();
      const again = await loadDemoDirectory(d2, file);
      expect(again).toMatchObject({ tenantRegistered: false, tenantProfile: false, grants: 0, profiles: 0 });
      expect(await store2.headPosition()).toBe(head);
      expect(await d2.rolesAt('cciaa-po', 'u-demo-sg')).toEqual(['segretario_generale']);
      expect(await d2.rolesAt('cciaa-po', 'u-demo-oiv')).toEqual(['oiv']);
      const users = await d2.listUsers('cciaa-po');
      expect(users).toHaveLength(9);
      expect(rolesAt(users.find((u) => u.userId === 'u-demo-rpct')?.grants ?? [], new Date())).toEqual([
        'rpct',
      ]);
      expect((await d2.tenant('cciaa-po'))?.ipaCode).toBe('cciaa_po');
      expect((await d2.tenant('cciaa-po'))?.profile).toMatchObject({ address: expect.stringContaining('Prato'), employees: expect.any(Number), website: expect.stringMatching(/^https:\/\//) });
      // The demo's people respect the OIV's independence.
      expect(await d2.independenceConflicts('cciaa-po')).toEqual([]);

      // The file's calendar is demo input: when it changes, loading records it as a profile update, which deadlines then use.
      const dir = mkdtempSync(join(tmpdir(), 'ciclo-demo-'));
      try {
        const changed = join(dir, 'demo.json');
        const patronDays = [{ month: 7, day: 25, name: 'San Jacopo', legalHoliday: true }];
        writeFileSync(changed, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), patronDays }));
        expect(TenantCalendars.of(store2).tenantTime('cciaa-po').calendar.patronDays).toEqual([]);
        expect(await loadDemoDirectory(d2, changed)).toMatchObject({ tenantRegistered: false, tenantProfile: true, grants: 0, profiles: 0 });
        expect((await d2.tenant('cciaa-po'))?.patronDays).toEqual(patronDays);
        expect(TenantCalendars.of(store2).tenantTime('cciaa-po').calendar.patronDays).toEqual(patronDays);
        const after = await store2.headPosition();
        expect(await loadDemoDirectory(d2, changed)).toMatchObject({ tenantProfile: false });
        expect(await store2.headPosition()).toBe(after);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    } finally {
      await store2.close();
      await db2.drop();
    }
  });
});

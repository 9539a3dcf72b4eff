import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import {
  commandFields,
  CONTROL_KINDS,
  DEFAULT_INDEPENDENCE,
  isoDateAt,
  type CycleDefinition,
  type FieldDefinition,
  type TransitionDefinition,
} from '@ciclo/domain';
import { INTERNAL_ROLES, ROLES, type Role } from '@ciclo/identity';
import type { EventStore } from '@ciclo/event-store';
import { EVENT_STORE } from '@ciclo/platform';
import { DefinitionRegistry, loadTransparencySeed } from '@ciclo/workflow';
import { startTestApi, type HttpResult, type TestApi } from '../support/api';

/**
 * The authorization matrix, generated from the shipped cycle definitions: for every definition,
 * every command (each transition, and the engine commands open, comment, attach, cancel, migrate)
 * is sent by a user holding exactly one role, for every role. A role the definition lists must get
 * through (the command succeeds); any other role gets 403 ROLE_NOT_ALLOWED and nothing is written.
 * Each transition is tried from a stage it leaves, reached by driving a cycle there through the API.
 * Rules by person are part of the matrix: a control act (validation, refusal) is refused with 422
 * INDEPENDENCE_REQUIRED to everyone who opened the cycle or performed an earlier step it must be
 * independent of, even holding the control role; and `oiv` is never granted with an internal role.
 */
const registry = DefinitionRegistry.fromDirectory(resolve(__dirname, '../../seeds/cycles'));
const definitions = registry.latestAll();
const today = () => isoDateAt(new Date(), 'Europe/Rome');
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

let deliberationCounter = 0;
function valueFor(f: FieldDefinition): unknown {
  if (f.name === 'number') return `${++deliberationCounter}/2026`;
  switch (f.type) {
    case 'text':
    case 'string':
      return 'Prova della matrice'.slice(0, f.maxLength ?? 100);
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    case 'date':
      return today();
    case 'datetime':
      return new Date().toISOString();
    case 'url':
      return 'https://www.example.org/documento';
    case 'sha256':
      return sha(`${f.name}-${deliberationCounter}`);
    case 'enum':
      return (f.values ?? [])[0];
  }
}
const validBody = (t: TransitionDefinition) =>
  Object.fromEntries(
    commandFields(t)
      .filter((f) => f.required)
      .map((f) => [f.name, valueFor(f)]),
  );

/** The shortest sequence of transitions from the initial stage to `stage`. */
function pathTo(def: CycleDefinition, stage: string): TransitionDefinition[] {
  const prev = new Map<string, { from: string; t: TransitionDefinition }>();
  const seen = new Set([def.initialStage]);
  const queue = [def.initialStage];
  while (queue.length) {
    const s = queue.shift() as string;
    if (s === stage) break;
    for (const t of def.transitions.filter((x) => x.from.includes(s))) {
      if (seen.has(t.to)) continue;
      seen.add(t.to);
      prev.set(t.to, { from: s, t });
      queue.push(t.to);
    }
  }
  const path: TransitionDefinition[] = [];
  for (let s = stage; s !== def.initialStage;) {
    const step = prev.get(s);
    if (!step) throw new Error(`${def.id}: stage ${stage} unreachable`);
    path.unshift(step.t);
    s = step.from;
  }
  return path;
}

describe('authorization matrix: every role × every command of every definition', () => {
  let api: TestApi;
  const tokens = new Map<string, string>();
  const token = async (userId: string, roles: Role[]) => {
    const k = `${userId}|${roles.join(',')}`;
    if (!tokens.has(k)) tokens.set(k, await api.token(userId, roles));
    return tokens.get(k) as string;
  };
  const everyRole = (userId: string) => token(userId, [...ROLES]);
  const tester = (role: Role) => `u-matrix-${role}`;

  beforeAll(async () => {
    api = await startTestApi('authz');
    // The transparency grid the attestation's survey grid chooses its rows from.
    await loadTransparencySeed(api.app.get<EventStore>(EVENT_STORE), resolve(__dirname, '../../seeds'), { userId: 'u-setup-rpct', tenant: 'cciaa-po', roles: ['rpct'], via: 'system' }, { correlationId: 'authz' });
  });
  afterAll(async () => {
    await api.close();
  });

  const expectOk = <T>(r: HttpResult<T>, what: string) => {
    if (r.status >= 300) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
    return r;
  };
  const open = async (def: CycleDefinition, userId = 'u-setup-open', year = 2027) =>
    expectOk(
      await api.call<{ cycleId: string }>('POST', '/cycles', {
        token: await everyRole(userId),
        body: { type: def.id, year },
      }),
      `open ${def.id}`,
    ).body.cycleId;

  /**
   * A monitoring's variation is a variation of the PIAO it is linked to, which must be adopted and
   * can have one open at a time: each such cycle gets an adopted PIAO of its own year (the
   * covering PIAO starting latest), a year no other cycle of the matrix uses.
   */
  let ownYear = 2000;
  // The adopted PIAOs are set up one at a time: their Giunta deliberations reserve numbers in one
  // register stream, and a burst of simultaneous reservations may rightly answer 409 (retry) there.
  let piaoSetup: Promise<void> = Promise.resolve();
  function adoptedPiao(year: number): Promise<void> {
    const next = piaoSetup.then(() => adoptPiao(year));
    piaoSetup = next.catch(() => undefined);
    return next;
  }
  async function adoptPiao(year: number): Promise<void> {
    const piao = registry.latest('piao') as CycleDefinition;
    const id = await open(piao, 'u-setup-piao', year);
    const setup = await everyRole('u-setup-piao');
    expectOk(
      await api.call('POST', `/cycles/${id}/plan/commands/batch`, {
        token: setup,
        headers: { 'x-acting-role': 'po' },
        body: {
          commands: [
            { command: 'add_node', kind: 'ambito', code: 'A', title: 'Ambito' },
            { command: 'add_node', kind: 'strategic_objective', code: 'OS', title: 'Obiettivo', ambitoCode: 'A' },
            { command: 'add_node', kind: 'operational_objective', code: 'OO', title: 'Progetto', strategicObjectiveCode: 'OS', resources: null, area: 'Area' },
            { command: 'add_node', kind: 'indicator', code: 'I', objectiveCode: 'OO', name: 'Indicatore', type: 'volume', unit: 'n', baseline: { value: 1 }, weight: 100, targets: [0, 1, 2].map((i) => ({ year: year + i, operator: '>=', value: 2 })) },
          ],
        },
      }),
      'PIAO tree',
    );
    for (const [command, userId] of [['submit', 'u-setup-piao-1'], ['approve', 'u-setup-piao-2'], ['record_giunta_deliberation', 'u-setup-piao-3']] as const) {
      const t = piao.transitions.find((x) => x.command === command) as TransitionDefinition;
      expectOk(await api.call('POST', `/cycles/${id}/commands/${command}`, { token: await everyRole(userId), body: validBody(t) }), `PIAO ${command}`);
    }
  }
  const attach = async (id: string, userId = 'u-setup-attach') =>
    expectOk(
      await api.call('POST', `/cycles/${id}/documents`, {
        token: await everyRole(userId),
        raw: Buffer.from('%PDF-1.7 matrice'),
        headers: { 'content-type': 'application/pdf', 'x-file-name': 'atto.pdf' },
      }),
      'attach',
    );

  /** A new cycle in the `from` stage of `target`, set up so that `testerId` passes its person rules. */
  async function cycleReadyFor(
    def: CycleDefinition,
    target: TransitionDefinition,
    testerId: string,
  ): Promise<string> {
    const variation = def.links.find((l) => l.plan)?.plan?.openVariationOn ?? [];
    const needsPiao = pathTo(def, target.from[0]).some((step) => variation.includes(step.command)) || variation.includes(target.command);
    const year = needsPiao ? ownYear++ : 2027;
    if (needsPiao) await adoptedPiao(year);
    const id = await open(def, 'u-setup-open', year);
    // A survey grid is sent on only with a row (ATTESTATION_GRID_EMPTY otherwise): one, by a setup person.
    if (def.content === 'survey_grid')
      expectOk(
        await api.call('POST', `/cycles/${id}/attestation-grid/rows`, {
          token: await everyRole('u-setup-grid'),
          body: { obligationId: 'bandi-concorso', pubblicazione: 2, completezza: 3, aggiornamento: 3, formatoAperto: 3 },
        }),
        `${def.id} setup grid row`,
      );
    const lastActor: Record<string, string> = {};
    const sameAs = target.rules
      .filter((r) => r.type === 'only_same_actor_as')
      .map((r) => (r as { command: string }).command);
    for (const [i, step] of pathTo(def, target.from[0]).entries()) {
      const own = step.rules.find((r) => r.type === 'only_same_actor_as') as { command: string } | undefined;
      const actor = own ? lastActor[own.command] : sameAs.includes(step.command) ? testerId : `u-setup-${i}`;
      if (step.rules.some((r) => r.type === 'requires_attachment')) await attach(id);
      expectOk(
        await api.call('POST', `/cycles/${id}/commands/${step.command}`, {
          token: await everyRole(actor),
          body: validBody(step),
        }),
        `${def.id} setup ${step.command}`,
      );
      lastActor[step.command] = actor;
    }
    // The target may still need its person: e.g. withdraw after a submit that is not on the path.
    for (const c of sameAs)
      if (!lastActor[c]) throw new Error(`${def.id} ${target.command}: no "${c}" on the path`);
    if (target.rules.some((r) => r.type === 'requires_attachment')) await attach(id);
    return id;
  }

  /** Sends every request at once: each must be 403 ROLE_NOT_ALLOWED, and nothing is written. */
  const allDenied = async (sends: [string, () => Promise<HttpResult>][]) => {
    const head = await api.head();
    const results = await Promise.all(sends.map(async ([what, send]) => [what, await send()] as const));
    for (const [what, r] of results)
      expect({ what, status: r.status, code: r.body.code }).toEqual({
        what,
        status: 403,
        code: 'ROLE_NOT_ALLOWED',
      });
    expect(await api.head()).toBe(head);
  };
  const statusOf = async (what: string, send: () => Promise<HttpResult>) => ({
    what,
    status: (await send()).status,
  });

  describe.each(definitions.map((d) => [`${d.id} v${d.version}`, d] as const))('%s', (_name, def) => {
    /** For each transition, one cycle per allowed role, in the transition's `from` stage (prepared concurrently). */
    const ready = new Map<TransitionDefinition, string[]>();
    beforeAll(async () => {
      await Promise.all(
        def.transitions.map(async (t) => {
          const allowed = ROLES.filter((r) => t.roles.includes(r));
          ready.set(t, await Promise.all(allowed.map((r) => cycleReadyFor(def, t, tester(r)))));
        }),
      );
    });

    it.each(
      def.transitions.map(
        (t) => [`${t.command} from ${t.from[0]} (allowed: ${t.roles.join(', ')})`, t] as const,
      ),
    )('%s', async (_label, t) => {
      const allowed = ROLES.filter((r) => t.roles.includes(r));
      const refused = ROLES.filter((r) => !t.roles.includes(r));
      const cycles = ready.get(t) as string[];
      await allDenied(
        refused.map((role) => [
          `${t.command} as ${role}`,
          async () =>
            api.call('POST', `/cycles/${cycles[0]}/commands/${t.command}`, {
              token: await token(tester(role), [role]),
              body: validBody(t),
            }),
        ]),
      );
      const results = await Promise.all(
        allowed.map(async (role, i) => {
          const r = await api.call<{ stage: string }>('POST', `/cycles/${cycles[i]}/commands/${t.command}`, {
            token: await token(tester(role), [role]),
            body: validBody(t),
          });
          return {
            command: t.command,
            role,
            status: r.status,
            stage: r.status === 200 ? r.body.stage : r.body,
          };
        }),
      );
      expect(results).toEqual(
        allowed.map((role) => ({ command: t.command, role, status: 200, stage: t.to })),
      );
    });

    const controls = def.transitions.filter((t) => CONTROL_KINDS.includes(t.kind));
    if (controls.length > 0) {
      it.each(controls.map((t) => [`${t.command} from ${t.from[0]} (${t.roles.join(', ')})`, t] as const))(
        'independence: %s is refused to whoever opened the cycle or drafted, submitted, approved or deliberated it',
        async (_label, t) => {
          const id = await cycleReadyFor(def, t, 'u-matrix-independent');
          const path = pathTo(def, t.from[0]);
          const involved = [
            'u-setup-open',
            ...path.flatMap((step, i) => (DEFAULT_INDEPENDENCE.kinds.includes(step.kind) ? [`u-setup-${i}`] : [])),
          ];
          const head = await api.head();
          const results = await Promise.all(
            involved.map(async (person) => {
              const r = await api.call('POST', `/cycles/${id}/commands/${t.command}`, {
                token: await token(person, [...t.roles]),
                body: validBody(t),
              });
              return { person, status: r.status, code: r.body.code };
            }),
          );
          expect(results).toEqual(involved.map((person) => ({ person, status: 422, code: 'INDEPENDENCE_REQUIRED' })));
          expect(await api.head()).toBe(head);
          const independent = await api.call('POST', `/cycles/${id}/commands/${t.command}`, {
            token: await token('u-matrix-independent', [...t.roles]),
            body: validBody(t),
          });
          expect(independent.status).toBe(200);
        },
      );
    }

    it(`open (allowed: ${def.openRoles.join(', ')})`, async () => {
      const send = (role: Role) => async () =>
        api.call('POST', '/cycles', {
          token: await token(tester(role), [role]),
          body: { type: def.id, year: 2027 },
        });
      await allDenied(ROLES.filter((r) => !def.openRoles.includes(r)).map((r) => [`open as ${r}`, send(r)]));
      const opened = await Promise.all(def.openRoles.map((r) => statusOf(`open as ${r}`, send(r))));
      expect(opened).toEqual(def.openRoles.map((r) => ({ what: `open as ${r}`, status: 201 })));
    });

    it(`comment and attach (comment: ${def.commentRoles.join(', ')}; attach: ${def.attachRoles.join(', ')})`, async () => {
      const id = await open(def);
      const comment = (role: Role) => async () =>
        api.call('POST', `/cycles/${id}/commands/comment`, {
          token: await token(tester(role), [role]),
          body: { text: `Commento di ${role}` },
        });
      const doc = (role: Role) => async () =>
        api.call('POST', `/cycles/${id}/documents`, {
          token: await token(tester(role), [role]),
          raw: Buffer.from(`allegato ${role}`),
          headers: { 'content-type': 'text/plain', 'x-file-name': `${role}.txt` },
        });
      await allDenied([
        ...ROLES.filter((r) => !def.commentRoles.includes(r)).map(
          (r): [string, () => Promise<HttpResult>] => [`comment as ${r}`, comment(r)],
        ),
        ...ROLES.filter((r) => !def.attachRoles.includes(r)).map((r): [string, () => Promise<HttpResult>] => [
          `attach as ${r}`,
          doc(r),
        ]),
      ]);
      // One at a time: each appends to the same stream.
      for (const r of def.commentRoles)
        expect(await statusOf(`comment as ${r}`, comment(r))).toEqual({
          what: `comment as ${r}`,
          status: 200,
        });
      for (const r of def.attachRoles)
        expect(await statusOf(`attach as ${r}`, doc(r))).toEqual({ what: `attach as ${r}`, status: 201 });
    });

    it(`cancel and migrate (cancel: ${def.cancelRoles.join(', ')}; migrate: those and admin)`, async () => {
      const shared = await open(def);
      const migrateRoles = ROLES.filter((r) => def.cancelRoles.includes(r) || r === 'admin');
      const migrate = (role: Role) => async () =>
        api.call('POST', `/cycles/${shared}/commands/migrate`, {
          token: await token(tester(role), [role]),
          body: { toVersion: def.version + 1 },
        });
      const cancel = (role: Role, id: string) => async () =>
        api.call('POST', `/cycles/${id}/commands/cancel`, {
          token: await token(tester(role), [role]),
          body: { reason: 'Annullato per prova' },
        });
      await allDenied([
        ...ROLES.filter((r) => !migrateRoles.includes(r)).map((r): [string, () => Promise<HttpResult>] => [
          `migrate as ${r}`,
          migrate(r),
        ]),
        ...ROLES.filter((r) => !def.cancelRoles.includes(r)).map((r): [string, () => Promise<HttpResult>] => [
          `cancel as ${r}`,
          cancel(r, shared),
        ]),
      ]);
      for (const r of migrateRoles) {
        // Past the role check: refused only because no newer version of the definition exists.
        const res = await migrate(r)();
        expect({ role: r, status: res.status, code: res.body.code }).toEqual({
          role: r,
          status: 400,
          code: 'INVALID_FIELDS',
        });
      }
      const cancelled = await Promise.all(
        def.cancelRoles.map(async (r) => statusOf(`cancel as ${r}`, cancel(r, await open(def)))),
      );
      expect(cancelled).toEqual(def.cancelRoles.map((r) => ({ what: `cancel as ${r}`, status: 200 })));
    });
  });

  describe('role grants: the OIV is never granted together with an internal role', () => {
    let admin: string;
    beforeAll(async () => {
      const root = await api.token('u-matrix-root', ['admin'], 'platform');
      expectOk(await api.call('POST', '/tenants', { token: root, body: { id: 'cciaa-po', name: 'Camera di prova', ipaCode: 'cciaa_po' } }), 'register tenant');
      admin = await api.token('u-matrix-admin', ['admin']);
    });
    const grant = (user: string, role: Role) =>
      api.call('POST', `/tenants/cciaa-po/users/${user}/roles`, { token: admin, body: { role } });

    it.each(INTERNAL_ROLES.map((r) => [r]))('%s and oiv, in either order: 409 OIV_NOT_INDEPENDENT, nothing written', async (role) => {
      expect((await grant(`u-grant-${role}`, role)).status).toBe(201);
      expect((await grant(`u-grant-oiv-${role}`, 'oiv')).status).toBe(201);
      const head = await api.head();
      const refused = await Promise.all([grant(`u-grant-${role}`, 'oiv'), grant(`u-grant-oiv-${role}`, role)]);
      expect(refused.map((r) => [r.status, r.body.code])).toEqual([
        [409, 'OIV_NOT_INDEPENDENT'],
        [409, 'OIV_NOT_INDEPENDENT'],
      ]);
      expect(await api.head()).toBe(head);
    });

    it('roles outside the body (osservatore, revisori) may be held with oiv', async () => {
      const external = ROLES.filter((r) => r !== 'oiv' && !INTERNAL_ROLES.includes(r));
      expect(external).toEqual(['osservatore', 'revisori']);
      expect((await grant('u-grant-oiv-esterno', 'oiv')).status).toBe(201);
      for (const r of external) expect((await grant('u-grant-oiv-esterno', r)).status).toBe(201);
    });
  });

  it('covers every definition and every transition', () => {
    expect(definitions.length).toBeGreaterThanOrEqual(12);
    expect(definitions.reduce((n, d) => n + d.transitions.length, 0)).toBeGreaterThan(50);
  });
});

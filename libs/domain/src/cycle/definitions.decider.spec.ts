/* eslint-disable no-restricted-imports */
// Given/when/then tests of the decider for every shipped definition (seeds/cycles/*.yaml): every
// transition from every stage it leaves, every rule, every refusal. No database.
import { NO_TENANT_CALENDAR } from '../calendar';
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import {
  commandFields,
  describeRule,
  findTransition,
  KNOWN_ROLES,
  outgoingTransitions,
  parseCycleDefinition,
  type CycleDefinition,
  type Organ,
  type Role,
  type TransitionDefinition,
  type TransitionRule,
} from '../definitions';
import { availableCommands, decide } from './decide';
import { cycleDeadlines, type CycleDeadline } from './deadlines';
import { DomainRefusal } from './errors';
import type { ActorContext, CycleCommand, CycleState } from './model';
import {
  actor,
  commands,
  CYCLE_ID,
  dayOffset,
  findPath,
  given,
  NOW,
  OTHER_TENANT,
  otherActor,
  pathTo,
  sampleFields,
  TENANT,
  TIME_ZONE,
  todayAt,
  type Given,
  type Path,
} from './testing';

const DIR = join(__dirname, '..', '..', '..', '..', 'seeds', 'cycles');
const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const DEFS: CycleDefinition[] = FILES.map((f) => parseCycleDefinition(readFileSync(join(DIR, f), 'utf8'), f));
const byId = (id: string): CycleDefinition => DEFS.find((d) => d.id === id) as CycleDefinition;

const TODAY = todayAt(NOW);
const YEAR = Number(TODAY.slice(0, 4));
/** Deliberation numbers the paths never use (they number 1/<year>, 2/<year>, ...). */
const FRESH_NUMBER = `900/${YEAR}`;
/** One person holding every role. */
const EVERYONE = actor([...KNOWN_ROLES], { userId: 'u-tutti' });
const uniq = <T>(xs: readonly T[]): T[] => [...new Set(xs)];

function validFields(t: TransitionDefinition, number = FRESH_NUMBER): Record<string, unknown> {
  return sampleFields(t, TODAY, t.kind === 'deliberation' ? { number } : {});
}
const run = (t: TransitionDefinition, fields: Record<string, unknown> = validFields(t)): CycleCommand =>
  commands.transition(t.command, fields);
const withoutAttachments = (path: Path) => path.events.filter((e) => e.type !== 'DocumentAttached');
const refusalOf = (g: Given, command: CycleCommand, by: ActorContext): DomainRefusal => {
  const out = g.when(command, by, { now: NOW });
  if (!out.refusal) throw new Error(`expected a refusal, got [${out.events.map((e) => e.type).join(', ')}]`);
  return out.refusal;
};
const showRule = (r: TransitionRule): string => describeRule(r);
/** Roles of the transitions issuing `command`. */
const rolesOf = (def: CycleDefinition, command: string): Role[] =>
  uniq(def.transitions.filter((x) => x.command === command).flatMap((x) => x.roles));

/**
 * A cycle in stage `from` from which `role` (as `u-<role>`) may issue `t`: it performed the command an
 * `only_same_actor_as` rule names, and did not perform the one a `not_same_actor_as` rule names.
 */
function readyFor(
  def: CycleDefinition,
  t: TransitionDefinition,
  from: string,
  role: Role,
): { g: Given; by: ActorContext; path: Path } {
  const by = actor(role);
  const prefer: Record<string, ActorContext> = {};
  const avoid: Record<string, string> = {};
  let through: string | undefined;
  for (const rule of t.rules) {
    if (rule.type === 'only_same_actor_as') {
      prefer[rule.command] = by;
      through = rule.command;
    }
    if (rule.type === 'not_same_actor_as') avoid[rule.command] = by.userId;
  }
  const path = pathTo(def, from, { prefer, avoid, ...(through ? { through } : {}) });
  return { g: given(def, ...path.events), by, path };
}

/** Roles that can issue `t` at all: for `only_same_actor_as`, they must also be able to issue the earlier command. */
function feasibleRoles(def: CycleDefinition, t: TransitionDefinition): Role[] {
  return t.roles.filter((r) =>
    t.rules.every((rule) => rule.type !== 'only_same_actor_as' || rolesOf(def, rule.command).includes(r)),
  );
}

describe.each(DEFS.map((d) => [`${d.id} v${d.version}`, d] as const))('%s', (_name, def) => {
  describe.each(
    def.transitions.map((t) => [`${t.command}: ${t.from.join('|')} -> ${t.to} (${t.event})`, t] as const),
  )('transition %s', (_t, t) => {
    const fromRole = t.from.flatMap((from) => feasibleRoles(def, t).map((role) => [from, role] as const));

    it('has a role able to issue it', () => {
      expect(feasibleRoles(def, t).length).toBeGreaterThan(0);
    });

    it.each(fromRole)('(a) from %s, %s issues it: one event, stage reached', (from, role) => {
      const { g, by } = readyFor(def, t, from, role);
      const fields = validFields(t);
      const out = g.when(run(t, fields), by, { now: NOW });
      const [event] = out.then([t.event]);
      expect(event).toEqual({
        type: t.event,
        data: {
          command: t.command,
          kind: t.kind,
          ...(t.organ ? { organ: t.organ } : {}),
          from,
          to: t.to,
          fields,
        },
        actorId: by.userId,
        actorRole: role,
        occurredAt: NOW.toISOString(),
      });
      expect(out.after.stage).toBe(t.to);
      expect(out.after.version).toBe(g.state.version + 1);
      expect(out.after.history.at(-1)).toMatchObject({
        type: t.event,
        command: t.command,
        from,
        to: t.to,
        actorId: by.userId,
        actorRole: role,
      });
      expect(out.after.lastActorByCommand[t.command]).toBe(by.userId);
      // Acting explicitly in the role, while holding another one first, gives the same event.
      const holder: ActorContext = { ...by, roles: uniq<Role>(['osservatore', role]) };
      const explicit = g.when(run(t, fields), holder, { now: NOW, actingRole: role }).then([t.event]);
      expect(explicit[0].actorRole).toBe(role);
    });

    it.each(t.from)('(b) from %s, every role not allowed is refused', (from) => {
      const g = given(def, ...pathTo(def, from).events);
      const command = run(t);
      for (const r of KNOWN_ROLES.filter((x) => !t.roles.includes(x))) {
        g.when(command, actor(r), { now: NOW }).then('ROLE_NOT_ALLOWED');
        // Holding an allowed role does not help when acting in another one.
        g.when(command, actor([t.roles[0], r]), { now: NOW, actingRole: r }).then('ROLE_NOT_ALLOWED');
      }
      const notHolding = KNOWN_ROLES.find((x) => !t.roles.includes(x)) as Role;
      g.when(command, actor(notHolding), { now: NOW, actingRole: t.roles[0] }).then('ROLE_NOT_HELD');
    });

    const rules = t.rules.map((r) => [showRule(r), r] as const);
    if (rules.length > 0) {
      it.each(rules)('(c) rule %s is enforced', (_r, rule) => {
        for (const from of t.from) {
          if (rule.type === 'not_same_actor_as') {
            // The person, not the role: whoever holds a role of each command is still one actor.
            for (const earlierRole of rolesOf(def, rule.command)) {
              for (const role of t.roles) {
                const both = actor(uniq([earlierRole, role]));
                const path = pathTo(def, from, { through: rule.command, prefer: { [rule.command]: both } });
                expect(path.state.lastActorByCommand[rule.command]).toBe(both.userId);
                const g = given(def, ...path.events);
                g.when(run(t), both, { now: NOW }).then('SEPARATION_OF_DUTIES');
                g.when(run(t), both, { now: NOW, actingRole: role }).then('SEPARATION_OF_DUTIES');
                const someoneElse = actor(role).userId === both.userId ? otherActor(role) : actor(role);
                g.when(run(t), someoneElse, { now: NOW }).then([t.event]);
              }
            }
          } else if (rule.type === 'only_same_actor_as') {
            for (const role of feasibleRoles(def, t)) {
              const { g, by } = readyFor(def, t, from, role);
              g.when(run(t), otherActor(role), { now: NOW }).then('ONLY_ORIGINAL_ACTOR');
              for (const r of t.roles.filter((x) => x !== role))
                g.when(run(t), actor(r), { now: NOW }).then('ONLY_ORIGINAL_ACTOR');
              g.when(run(t), by, { now: NOW }).then([t.event]);
            }
          } else {
            const { path, by } = readyFor(def, t, from, feasibleRoles(def, t)[0]);
            const bare = given(def, ...withoutAttachments(path));
            expect(bare.state.attachments).toEqual([]);
            bare.when(run(t), by, { now: NOW }).then('ATTACHMENT_REQUIRED');
            const attached = bare
              .when(commands.attach(), actor(def.attachRoles[0]), { now: NOW })
              .then(['DocumentAttached']);
            given(def, ...bare.events, ...attached)
              .when(run(t), by, { now: NOW })
              .then([t.event]);
          }
        }
      });
    }

    const required = commandFields(t)
      .filter((f) => f.required)
      .map((f) => f.name);
    if (required.length > 0) {
      it.each(required)('(d) a missing required field %s is refused', (name) => {
        const from = t.from[0];
        const { g, by } = readyFor(def, t, from, feasibleRoles(def, t)[0]);
        const fields = validFields(t);
        delete fields[name];
        const refusal = refusalOf(g, run(t, fields), by);
        expect(refusal.code).toBe('INVALID_FIELDS');
        expect(refusal.fields).toEqual([{ field: name, problem: 'is required' }]);
        for (const empty of [null, undefined]) {
          expect(refusalOf(g, run(t, { ...validFields(t), [name]: empty }), by).fields).toEqual([
            { field: name, problem: 'is required' },
          ]);
        }
      });
    }

    it('(d) an unknown field and a malformed one are refused, each named', () => {
      const { g, by } = readyFor(def, t, t.from[0], feasibleRoles(def, t)[0]);
      const unknown = refusalOf(g, run(t, { ...validFields(t), protocolloInterno: 'x' }), by);
      expect(unknown.code).toBe('INVALID_FIELDS');
      expect(unknown.fields).toEqual([
        { field: 'protocolloInterno', problem: 'is not a field of this command' },
      ]);
      for (const f of commandFields(t)) {
        const malformed = refusalOf(g, run(t, { ...validFields(t), [f.name]: { nested: true } }), by);
        expect(malformed.code).toBe('INVALID_FIELDS');
        expect(malformed.fields.map((p) => p.field)).toEqual([f.name]);
      }
    });

    const elsewhere = def.stages
      .filter((s) => !s.terminal && !findTransition(def, s.id, t.command))
      .map((s) => s.id);
    if (elsewhere.length > 0) {
      it.each(elsewhere)('(e) from %s, which it does not leave: UNKNOWN_TRANSITION', (stage) => {
        const g = given(def, ...pathTo(def, stage).events);
        g.when(run(t), EVERYONE, { now: NOW }).then('UNKNOWN_TRANSITION');
        g.when(run(t), actor(t.roles[0]), { now: NOW }).then('UNKNOWN_TRANSITION');
      });
    }
  });

  describe('the cycle as a whole', () => {
    const terminal = def.stages.filter((s) => s.terminal).map((s) => s.id);
    const nonTerminal = def.stages.filter((s) => !s.terminal).map((s) => s.id);
    const v2: CycleDefinition = { ...def, version: def.version + 1 };
    /** Every command the definition knows, plus the engine's own. */
    const everything = (): [CycleCommand, CycleDefinition | undefined][] => [
      ...uniq(def.transitions.map((t) => t.command)).map(
        (c) => [commands.transition(c, {}), undefined] as [CycleCommand, undefined],
      ),
      [commands.attach(), undefined],
      [commands.comment(), undefined],
      [commands.cancel(), undefined],
      [commands.migrate(v2.version), v2],
    ];

    it.each(terminal)('closed at terminal stage %s: refuses everything with CYCLE_CLOSED', (stage) => {
      const g = given(def, ...pathTo(def, stage).events);
      expect(availableCommands(g.state, { actor: EVERYONE, now: NOW, definition: def })).toEqual([]);
      for (const [command, target] of everything()) {
        g.when(command, EVERYONE, { now: NOW, ...(target ? { targetDefinition: target } : {}) }).then(
          'CYCLE_CLOSED',
        );
      }
      g.when(commands.open(), EVERYONE, { now: NOW }).then('CYCLE_ALREADY_EXISTS');
    });

    it.each(nonTerminal)(
      'cancelled in stage %s by a cancel role: then everything is CYCLE_CLOSED',
      (stage) => {
        const g = given(def, ...pathTo(def, stage).events);
        for (const r of KNOWN_ROLES.filter((x) => !def.cancelRoles.includes(x)))
          g.when(commands.cancel(), actor(r), { now: NOW }).then('ROLE_NOT_ALLOWED');
        expect(refusalOf(g, commands.cancel('   '), actor(def.cancelRoles[0])).code).toBe('INVALID_FIELDS');
        for (const role of def.cancelRoles) {
          const out = g.when(commands.cancel(' Avviato per errore '), actor(role), { now: NOW });
          const [event] = out.then(['CycleCancelled']);
          expect(event).toMatchObject({
            data: { reason: 'Avviato per errore', from: stage },
            actorId: `u-${role}`,
            actorRole: role,
          });
          expect(out.after).toMatchObject({
            status: 'cancelled',
            stage,
            cancelledReason: 'Avviato per errore',
          });
          const cancelled = given(def, ...out.history);
          for (const [command, target] of everything()) {
            cancelled
              .when(command, EVERYONE, { now: NOW, ...(target ? { targetDefinition: target } : {}) })
              .then('CYCLE_CLOSED');
          }
          expect(availableCommands(cancelled.state, { actor: EVERYONE, now: NOW, definition: def })).toEqual(
            [],
          );
        }
      },
    );

    it('open by each open role gives CycleOpened with the period label', () => {
      const label = { annual: '2027', triennial: '2027-2029', mandate: '2027-2031', one_off: '2027' }[
        def.period
      ];
      for (const role of def.openRoles) {
        const out = given(def).when(commands.open(2027), actor(role), { now: NOW });
        const [event] = out.then(['CycleOpened']);
        expect(event).toEqual({
          type: 'CycleOpened',
          data: {
            cycleId: CYCLE_ID,
            cycleType: def.id,
            definitionVersion: def.version,
            year: 2027,
            periodLabel: label,
            title: `${def.title} ${label}`,
            stage: def.initialStage,
          },
          actorId: `u-${role}`,
          actorRole: role,
          occurredAt: NOW.toISOString(),
        });
        expect(out.after).toMatchObject({
          exists: true,
          tenant: TENANT,
          stage: def.initialStage,
          periodLabel: label,
          year: 2027,
          version: 1,
        });
      }
      for (const r of KNOWN_ROLES.filter((x) => !def.openRoles.includes(x)))
        given(def).when(commands.open(2027), actor(r), { now: NOW }).then('ROLE_NOT_ALLOWED');
      const opener = actor(def.openRoles[0]);
      given(def)
        .when({ type: 'open', cycleId: CYCLE_ID, year: 1999 }, opener, { now: NOW })
        .then('INVALID_FIELDS');
      given(def)
        .when({ type: 'open', cycleId: CYCLE_ID, year: 2027.5 }, opener, { now: NOW })
        .then('INVALID_FIELDS');
      given(def)
        .when({ type: 'open', cycleId: CYCLE_ID, year: 2027, title: ' ' }, opener, { now: NOW })
        .then('INVALID_FIELDS');
      const titled = given(def)
        .when({ type: 'open', cycleId: CYCLE_ID, year: 2027, title: ' Piano 2027 ' }, opener, { now: NOW })
        .then(['CycleOpened']);
      expect(titled[0].data.title).toBe('Piano 2027');
    });

    it("another tenant's actor gets CYCLE_NOT_FOUND; so does a cycle never opened", () => {
      const path = pathTo(def, def.initialStage);
      const g = given(def, ...path.events);
      const stranger = actor([...KNOWN_ROLES], { userId: 'u-tutti', tenant: OTHER_TENANT });
      for (const [command, target] of everything()) {
        g.when(command, stranger, { now: NOW, ...(target ? { targetDefinition: target } : {}) }).then(
          'CYCLE_NOT_FOUND',
        );
        given(def)
          .when(command, EVERYONE, { now: NOW, ...(target ? { targetDefinition: target } : {}) })
          .then('CYCLE_NOT_FOUND');
      }
      expect(availableCommands(g.state, { actor: stranger, now: NOW, definition: def })).toEqual([]);
      expect(availableCommands(given(def).state, { actor: EVERYONE, now: NOW, definition: def })).toEqual([]);
    });

    it('attach and comment by their roles, refused to others', () => {
      const g = given(def, ...pathTo(def, def.initialStage, { attach: false }).events);
      for (const role of def.attachRoles) {
        const [e] = g.when(commands.attach(), actor(role), { now: NOW }).then(['DocumentAttached']);
        expect(e.data).toEqual({
          documentId: 'doc-1',
          name: 'documento-1.pdf',
          mediaType: 'application/pdf',
          size: 1024,
          sha256: 'ab'.repeat(32),
          stage: def.initialStage,
        });
      }
      for (const role of def.commentRoles) {
        const [e] = g.when(commands.comment(' Va bene '), actor(role), { now: NOW }).then(['CommentAdded']);
        expect(e.data).toEqual({ commentId: 'comment-1', text: 'Va bene', stage: def.initialStage });
      }
      for (const r of KNOWN_ROLES.filter((x) => !def.attachRoles.includes(x)))
        g.when(commands.attach(), actor(r), { now: NOW }).then('ROLE_NOT_ALLOWED');
      for (const r of KNOWN_ROLES.filter((x) => !def.commentRoles.includes(x)))
        g.when(commands.comment(), actor(r), { now: NOW }).then('ROLE_NOT_ALLOWED');
      const attacher = actor(def.attachRoles[0]);
      g.when(
        { ...(commands.attach() as Extract<CycleCommand, { type: 'attach' }>), sha256: 'xyz' },
        attacher,
        { now: NOW },
      ).then('INVALID_FIELDS');
      g.when({ ...(commands.attach() as Extract<CycleCommand, { type: 'attach' }>), size: 0 }, attacher, {
        now: NOW,
      }).then('INVALID_FIELDS');
      g.when(commands.comment(''), actor(def.commentRoles[0]), { now: NOW }).then('INVALID_FIELDS');
    });

    describe('migrate', () => {
      const stage = def.initialStage;
      const g = (): Given => given(def, ...pathTo(def, stage).events);
      const migrator = actor(def.cancelRoles[0] ?? 'admin');

      it('to a newer version holding the current stage: accepted, by a cancel role or admin', () => {
        for (const by of [migrator, actor('admin')]) {
          const out = g().when(commands.migrate(v2.version), by, { now: NOW, targetDefinition: v2 });
          const [event] = out.then(['CycleMigrated']);
          expect(event.data).toEqual({ fromVersion: def.version, toVersion: v2.version, stage });
          expect(out.after).toMatchObject({ definitionVersion: v2.version, stage, status: 'open' });
        }
        const notAllowed = KNOWN_ROLES.filter((r) => r !== 'admin' && !def.cancelRoles.includes(r));
        for (const r of notAllowed)
          g()
            .when(commands.migrate(v2.version), actor(r), { now: NOW, targetDefinition: v2 })
            .then('ROLE_NOT_ALLOWED');
      });

      it('STAGE_NOT_IN_VERSION when the target version lacks the current stage', () => {
        const without: CycleDefinition = { ...v2, stages: v2.stages.filter((s) => s.id !== stage) };
        g()
          .when(commands.migrate(v2.version), migrator, { now: NOW, targetDefinition: without })
          .then('STAGE_NOT_IN_VERSION');
      });

      it('DEFINITION_VERSION_NOT_NEWER when the target is not newer; INVALID_FIELDS when unknown', () => {
        g()
          .when(commands.migrate(def.version), migrator, { now: NOW, targetDefinition: def })
          .then('DEFINITION_VERSION_NOT_NEWER');
        const migrated = g().when(commands.migrate(v2.version), migrator, { now: NOW, targetDefinition: v2 });
        given(def, ...migrated.history)
          .when(commands.migrate(v2.version), migrator, { now: NOW, definition: v2, targetDefinition: v2 })
          .then('DEFINITION_VERSION_NOT_NEWER');
        g().when(commands.migrate(v2.version), migrator, { now: NOW }).then('INVALID_FIELDS');
        g().when(commands.migrate(3), migrator, { now: NOW, targetDefinition: v2 }).then('INVALID_FIELDS');
        g()
          .when(commands.migrate(v2.version), migrator, {
            now: NOW,
            targetDefinition: { ...v2, id: 'altro' },
          })
          .then('INVALID_FIELDS');
      });
    });
  });

  const deliberations = def.transitions.filter((t) => t.kind === 'deliberation');
  if (deliberations.length > 0) {
    describe.each(deliberations.map((t) => [`${t.command} (${t.organ})`, t] as const))(
      'deliberation %s',
      (_d, t) => {
        const organ = t.organ as Organ;
        const by = actor(t.roles[0]);
        const fresh = (from: string) => given(def, ...pathTo(def, from).events);

        it.each(t.from)('from %s: a date in the future is refused', (from) => {
          fresh(from)
            .when(run(t, { ...validFields(t), date: dayOffset(NOW, 1) }), by, { now: NOW })
            .then('DELIBERATION_DATE_IN_FUTURE');
          fresh(from)
            .when(run(t, { ...validFields(t), date: TODAY }), by, { now: NOW })
            .then([t.event]);
        });

        it.each(t.from)('from %s: a date before the submission is refused', (from) => {
          const g = fresh(from);
          expect(g.state.lastSubmissionAt).toBe(NOW.toISOString());
          g.when(run(t, { ...validFields(t), date: dayOffset(NOW, -1) }), by, { now: NOW }).then(
            'DELIBERATION_DATE_BEFORE_SUBMISSION',
          );
          // Submitted yesterday: a deliberation of yesterday is fine.
          const earlier = given(
            def,
            ...pathTo(def, from, { now: new Date(NOW.getTime() - 86_400_000) }).events,
          );
          earlier
            .when(run(t, { ...validFields(t), date: dayOffset(NOW, -1) }), by, { now: NOW })
            .then([t.event]);
        });

        it.each(t.from)(
          'from %s: a number used by the same organ in the same year in another cycle is refused',
          (from) => {
            const g = fresh(from);
            const known = (o: Organ, year: number, number = `12/${YEAR}`) => [
              { organ: o, year, number, cycleId: 'altro-ciclo' },
            ];
            const command = run(t, { ...validFields(t), number: ` 12/${YEAR} ` });
            g.when(command, by, { now: NOW, knownDeliberations: known(organ, YEAR) }).then(
              'DUPLICATE_DELIBERATION_NUMBER',
            );
            // Compared trimmed and case-insensitively.
            g.when(run(t, { ...validFields(t), number: `12-a/${YEAR}` }), by, {
              now: NOW,
              knownDeliberations: known(organ, YEAR, ` 12-A/${YEAR}`),
            }).then('DUPLICATE_DELIBERATION_NUMBER');
            g.when(command, by, { now: NOW, knownDeliberations: known(organ, YEAR - 1) }).then([t.event]);
            const other = (['giunta', 'consiglio', 'presidente'] as const).filter((o) => o !== organ);
            for (const o of other)
              g.when(command, by, { now: NOW, knownDeliberations: known(o, YEAR) }).then([t.event]);
            g.when(run(t, { ...validFields(t), number: `13/${YEAR}` }), by, {
              now: NOW,
              knownDeliberations: known(organ, YEAR),
            }).then([t.event]);
          },
        );

        // In this cycle: only where the definition can record the same organ twice (a later body returns the plan).
        const loops = t.from.filter((from) => findPath(def, from, { through: t.command }) !== undefined);
        if (loops.length > 0) {
          it.each(loops)(
            'from %s: a number this cycle already used for the organ in the same year is refused',
            (from) => {
              const path = pathTo(def, from, { through: t.command });
              const used = path.state.deliberations.filter((d) => d.organ === organ).map((d) => d.number);
              expect(used.length).toBeGreaterThan(0);
              const g = given(def, ...path.events);
              for (const n of used)
                g.when(run(t, { ...validFields(t), number: n }), by, { now: NOW }).then(
                  'DUPLICATE_DELIBERATION_NUMBER',
                );
              g.when(run(t, validFields(t)), by, { now: NOW }).then([t.event]);
              // The same number in another year: recorded in December, the new one in January.
              const december = new Date('2026-12-20T10:00:00Z');
              const january = new Date('2027-01-05T10:00:00Z');
              const last = pathTo(def, from, { through: t.command, now: december });
              const number = last.state.deliberations.filter((d) => d.organ === organ)[0].number;
              const g2 = given(def, ...last.events);
              g2.when(run(t, { ...validFields(t), number, date: '2027-01-05' }), by, { now: january }).then([
                t.event,
              ]);
              g2.when(run(t, { ...validFields(t), number, date: '2026-12-28' }), by, { now: january }).then(
                'DUPLICATE_DELIBERATION_NUMBER',
              );
            },
          );
        }

        // The other organ's number in this cycle does not clash.
        const others = deliberations.filter((x) => x.organ !== organ);
        const pairs = t.from.flatMap((from) =>
          others
            .filter((o) => findPath(def, from, { through: o.command }))
            .map((o) => [from, o.command] as const),
        );
        if (pairs.length > 0) {
          it.each(pairs)(
            'from %s: the number of %s (another organ) in this cycle is accepted',
            (from, otherCommand) => {
              const path = pathTo(def, from, { through: otherCommand });
              const theirs = path.state.deliberations.filter((d) => d.organ !== organ);
              expect(theirs.length).toBeGreaterThan(0);
              given(def, ...path.events)
                .when(run(t, { ...validFields(t), number: theirs[0].number }), by, { now: NOW })
                .then([t.event]);
            },
          );
        }
      },
    );
  }

  it('availableCommands lists exactly the commands the decider accepts, for every stage and user', () => {
    const users = [
      ...KNOWN_ROLES.map((r) => actor(r)),
      ...KNOWN_ROLES.map((r) => otherActor(r)),
      actor(['segretario_generale', 'rpct']),
      actor(['po', 'segretario_generale']),
    ];
    for (const stage of def.stages.map((s) => s.id)) {
      const g = given(def, ...pathTo(def, stage).events);
      for (const user of users) {
        const accepted: string[] = [];
        for (const t of outgoingTransitions(def, stage)) {
          if (!g.when(run(t), user, { now: NOW }).refusal) accepted.push(t.command);
        }
        for (const [name, command] of [
          ['attach', commands.attach()],
          ['comment', commands.comment()],
          ['cancel', commands.cancel()],
        ] as const) {
          if (!g.when(command, user, { now: NOW }).refusal) accepted.push(name);
        }
        expect({
          stage,
          user: user.userId,
          commands: availableCommands(g.state, { actor: user, now: NOW, definition: def }),
        }).toEqual({
          stage,
          user: user.userId,
          commands: accepted,
        });
      }
    }
  });
});

describe('availableCommands, by example (PIAO in review by the Segretario Generale)', () => {
  const def = byId('piao');
  const path = pathTo(def, 'revisione_sg');
  const state = path.state;
  const list = (a: ActorContext) => availableCommands(state, { actor: a, now: NOW, definition: def });

  it('the submitter may withdraw, the SG may decide, others only comment or attach', () => {
    expect(state.lastActorByCommand.submit).toBe('u-po');
    expect(list(actor('po'))).toEqual(['withdraw', 'attach', 'comment']);
    expect(list(otherActor('po'))).toEqual(['attach', 'comment']);
    expect(list(actor('segretario_generale'))).toEqual([
      'request_changes',
      'approve',
      'attach',
      'comment',
      'cancel',
    ]);
    expect(list(actor('oiv'))).toEqual(['comment']);
    expect(list(actor('osservatore'))).toEqual([]);
  });

  it('an SG who also holds rpct and submitted may not approve, but may withdraw', () => {
    const both = actor(['segretario_generale', 'rpct']);
    const p = pathTo(def, 'revisione_sg', { prefer: { submit: both } });
    expect(p.steps.find((s) => s.command.type === 'transition')?.events[0].actorRole).toBe('rpct');
    expect(availableCommands(p.state, { actor: both, now: NOW, definition: def })).toEqual([
      'withdraw',
      'attach',
      'comment',
      'cancel',
    ]);
    given(def, ...p.events)
      .when(commands.transition('approve'), both, { now: NOW, actingRole: 'segretario_generale' })
      .then('SEPARATION_OF_DUTIES');
  });
});

describe('cycleDeadlines', () => {
  const piao = byId('piao');
  const at = (iso: string) => new Date(`${iso}T10:00:00Z`);
  const deadline = (state: CycleState, def: CycleDefinition, id: string, now: Date): CycleDeadline =>
    cycleDeadlines(state, def, now, { timeZone: TIME_ZONE, calendar: NO_TENANT_CALENDAR }).find((d) => d.id === id) as CycleDeadline;

  it('31 January 2027 is a Sunday: the PIAO adoption term moves to Monday 1 February', () => {
    const state = pathTo(piao, 'bozza').state;
    const d = deadline(state, piao, 'adozione', NOW);
    expect(d).toMatchObject({
      legalDate: '2027-01-31',
      effectiveDate: '2027-02-01',
      moved: true,
      metBy: 'adottato',
      status: 'future',
      daysLeft: 17,
    });
    expect(d.movedReason).toContain('domenica');
    expect(deadline(state, piao, 'adozione', at('2027-01-20'))).toMatchObject({
      status: 'due_soon',
      daysLeft: 12,
    });
    expect(deadline(state, piao, 'adozione', at('2027-02-01'))).toMatchObject({
      status: 'due_soon',
      daysLeft: 0,
    });
  });

  it('overdue: negative daysLeft', () => {
    const state = pathTo(piao, 'in_giunta').state;
    expect(deadline(state, piao, 'adozione', at('2027-02-05'))).toMatchObject({
      status: 'overdue',
      daysLeft: -4,
      effectiveDate: '2027-02-01',
    });
  });

  it('met early, on the moved day, or late', () => {
    const met = (iso: string) =>
      deadline(pathTo(piao, 'adottato', { now: at(iso) }).state, piao, 'adozione', at('2027-03-01'));
    expect(met('2027-01-20')).toMatchObject({ status: 'met', metOn: '2027-01-20', metLate: false });
    expect(met('2027-02-01')).toMatchObject({ status: 'met', metOn: '2027-02-01', metLate: false });
    expect(met('2027-02-02')).toMatchObject({ status: 'met', metOn: '2027-02-02', metLate: true });
    expect(met('2027-02-02').daysLeft).toBeUndefined();
    // Met by the stage of the first deadline only: the publication term is still open.
    expect(
      deadline(
        pathTo(piao, 'adottato', { now: at('2027-01-20') }).state,
        piao,
        'pubblicazione',
        at('2027-01-20'),
      ),
    ).toMatchObject({ status: 'due_soon' });
  });

  it('after_event: scheduled only once the event happened (bilancio: 30 days after the Consiglio)', () => {
    const def = byId('bilancio_esercizio');
    const before = pathTo(def, 'in_consiglio', { year: 2027, now: at('2028-04-01') }).state;
    expect(deadline(before, def, 'pubblicazione', at('2028-04-01'))).toMatchObject({
      legalDate: null,
      effectiveDate: null,
      status: 'unscheduled',
    });
    expect(deadline(before, def, 'pubblicazione', at('2028-04-01')).daysLeft).toBeUndefined();
    const after = pathTo(def, 'approvato', { year: 2027, now: at('2028-04-10') }).state;
    expect(deadline(after, def, 'pubblicazione', at('2028-04-12'))).toMatchObject({
      legalDate: '2028-05-10',
      effectiveDate: '2028-05-10',
      moved: false,
      status: 'future',
      daysLeft: 28,
    });
    expect(deadline(after, def, 'approvazione', at('2028-04-12'))).toMatchObject({
      legalDate: '2028-04-30',
      status: 'met',
      metOn: '2028-04-10',
      metLate: false,
    });
  });

  it('a deadline with rule none stays unscheduled until met', () => {
    const def = byId('smvp');
    expect(deadline(pathTo(def, 'in_giunta').state, def, 'aggiornamento', NOW)).toMatchObject({
      legalDate: null,
      status: 'unscheduled',
    });
    expect(deadline(pathTo(def, 'adottato').state, def, 'aggiornamento', NOW)).toMatchObject({
      status: 'met',
      metOn: TODAY,
      metLate: false,
    });
  });

  it('yearOffset: the RPP of 2027 is due by 31 October 2026', () => {
    const def = byId('rpp');
    expect(
      deadline(pathTo(def, 'bozza', { now: at('2026-09-01') }).state, def, 'approvazione', at('2026-09-01')),
    ).toMatchObject({
      legalDate: '2026-10-31',
      effectiveDate: '2026-10-31',
      moved: false,
      status: 'future',
    });
  });
});

describe('the harness', () => {
  it('reaches every stage of every definition', () => {
    for (const def of DEFS) for (const s of def.stages) expect(pathTo(def, s.id).state.stage).toBe(s.id);
  });

  it('produces valid values for every field type', () => {
    const types = [
      'text',
      'string',
      'integer',
      'number',
      'boolean',
      'date',
      'datetime',
      'url',
      'sha256',
      'enum',
    ] as const;
    const t: TransitionDefinition = {
      ...byId('piao').transitions[0],
      fields: types.map((type) => ({
        name: `f${type}`,
        type,
        required: true,
        ...(type === 'enum' ? { values: ['a', 'b'] } : {}),
        ...(type === 'string' ? { maxLength: 5 } : {}),
      })),
    };
    const def: CycleDefinition = { ...byId('piao'), transitions: [t, ...byId('piao').transitions.slice(1)] };
    const g = given(def, ...pathTo(byId('piao'), 'bozza').events);
    const [event] = g
      .when(commands.transition(t.command, sampleFields(t, TODAY)), actor('po'), { now: NOW })
      .then([t.event]);
    expect(Object.keys(event.data.fields as object).sort()).toEqual(types.map((x) => `f${x}`).sort());
  });

  it('then() reports a mismatch', () => {
    const g = given(byId('piao'));
    expect(() => g.when(commands.open(), actor('po'), { now: NOW }).then('ROLE_NOT_ALLOWED')).toThrow(
      /expected refusal ROLE_NOT_ALLOWED, got events \[CycleOpened\]/,
    );
    expect(() => g.when(commands.open(), actor('oiv'), { now: NOW }).then(['CycleOpened'])).toThrow(
      /got refusal ROLE_NOT_ALLOWED/,
    );
    expect(() =>
      decide(commands.open(), g.state, { actor: actor('oiv'), now: NOW, definition: byId('piao') }),
    ).toThrow(DomainRefusal);
  });
});

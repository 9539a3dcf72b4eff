/* eslint-disable no-restricted-imports */
// Property test of the decider against every shipped definition: random sequences of commands by
// random people never produce an event the definition does not permit, and folding what was
// produced always gives a valid state.
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import {
  commandFields,
  describeRule,
  findTransition,
  KNOWN_ROLES,
  outgoingTransitions,
  parseCycleDefinition,
  RESERVED_EVENTS,
  transitionRules,
  type CycleDefinition,
  type Role,
  type TransitionDefinition,
  type TransitionKind,
} from '../definitions';
import { addDays } from '../calendar';
import { decide, earliestActDate } from './decide';
import { DomainRefusal } from './errors';
import type { FoldableEvent } from './evolve';
import { foldCycle } from './fold';
import type { ActorContext, CycleCommand, CycleState, DomainEvent, JsonRecord } from './model';
import { actor, commands, otherActor, sampleFields, TENANT, TIME_ZONE, todayAt } from './testing';

const DIR = join(__dirname, '..', '..', '..', '..', 'seeds', 'cycles');
const DEFS: CycleDefinition[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => parseCycleDefinition(readFileSync(join(DIR, f), 'utf8'), f));

/** People: one per role, a second person for some roles, and people holding two roles. */
const POOL: readonly ActorContext[] = [
  ...KNOWN_ROLES.map((r) => actor(r)),
  ...(['po', 'dirigente', 'rpct', 'segretario_generale', 'segreteria_organi'] as const).map((r) =>
    otherActor(r),
  ),
  actor(['segretario_generale', 'rpct']),
  actor(['po', 'segretario_generale']),
  actor(['po', 'dirigente']),
  actor(['dirigente', 'rpct']),
  actor(['segreteria_organi', 'po']),
  actor(['oiv', 'revisori']),
  // One person holding internal roles and a control role (B1): never validates what they drafted.
  actor(['po', 'segreteria_organi', 'oiv']),
  actor(['segreteria_organi', 'revisori']),
];

const START = Date.parse('2027-01-10T09:00:00Z');

interface Step {
  what: 'outgoing' | 'any' | 'attach' | 'comment' | 'cancel';
  pick: number;
  who: 'fit' | 'any';
  whoPick: number;
  actingRole: Role | null;
  fields: 'valid' | 'junk' | 'tweak';
  junk: Record<string, unknown>;
  junkValue: unknown;
  number: string;
  dateShift: number;
  advanceMinutes: number;
}

const junkValue = fc.oneof(
  fc.constantFrom(
    null,
    undefined,
    '',
    '   ',
    'not-a-date',
    '2027-02-30',
    'ftp://x',
    'x'.repeat(5000),
    42,
    -1.5,
    true,
    [],
    {},
  ),
  fc.string(),
  fc.integer(),
  fc.anything(),
);

const stepArb: fc.Arbitrary<Step> = fc.record({
  what: fc.oneof(
    { weight: 12, arbitrary: fc.constant('outgoing' as const) },
    { weight: 3, arbitrary: fc.constant('any' as const) },
    { weight: 2, arbitrary: fc.constant('attach' as const) },
    { weight: 1, arbitrary: fc.constant('comment' as const) },
    { weight: 1, arbitrary: fc.constant('cancel' as const) },
  ),
  pick: fc.nat(),
  who: fc.oneof(
    { weight: 4, arbitrary: fc.constant('fit' as const) },
    { weight: 1, arbitrary: fc.constant('any' as const) },
  ),
  whoPick: fc.nat(),
  actingRole: fc.oneof(
    { weight: 5, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.constantFrom(...KNOWN_ROLES) },
  ),
  fields: fc.oneof(
    { weight: 6, arbitrary: fc.constant('valid' as const) },
    { weight: 1, arbitrary: fc.constant('junk' as const) },
    { weight: 1, arbitrary: fc.constant('tweak' as const) },
  ),
  junk: fc.dictionary(
    fc.constantFrom('number', 'date', 'actHash', 'reason', 'url', 'channel', 'opinion', 'note', 'altro'),
    junkValue,
    { maxKeys: 4 },
  ),
  junkValue,
  number: fc.constantFrom('1/2027', '2/2027', ' 1/2027 ', '1/2026', 'A-3'),
  dateShift: fc.constantFrom(0, 0, 0, -1, -3, 1, -400),
  advanceMinutes: fc.integer({ min: 0, max: 3 * 24 * 60 }),
});

const isTransitionEvent = (e: { type: string }) => !RESERVED_EVENTS.includes(e.type);
const closed = (def: CycleDefinition, s: CycleState) =>
  s.status === 'cancelled' || def.stages.some((x) => x.id === s.stage && x.terminal);

/** Who last issued `command`, read from the raw events (not from the folded state). */
function lastActorOf(events: readonly FoldableEvent[], command: string): string | undefined {
  return [...events].reverse().find((e) => isTransitionEvent(e) && e.data.command === command)?.actorId;
}

function toCommand(
  def: CycleDefinition,
  state: CycleState,
  step: Step,
  now: Date,
): { command: CycleCommand; roles: readonly Role[] } {
  const today = todayAt(now);
  switch (step.what) {
    case 'attach':
      return { command: commands.attach(step.pick % 3), roles: def.attachRoles };
    case 'comment':
      return { command: commands.comment(step.fields === 'valid' ? 'Nota' : ''), roles: def.commentRoles };
    case 'cancel':
      return { command: commands.cancel(step.fields === 'junk' ? ' ' : 'Annullato'), roles: def.cancelRoles };
    default: {
      const names = [...new Set(def.transitions.map((t) => t.command))];
      const outs = outgoingTransitions(def, state.stage);
      const t: TransitionDefinition =
        step.what === 'outgoing' && outs.length > 0
          ? outs[step.pick % outs.length]
          : (findTransition(def, state.stage, names[step.pick % names.length]) ??
            (def.transitions.find(
              (x) => x.command === names[step.pick % names.length],
            ) as TransitionDefinition));
      const date = addDays(today, step.dateShift);
      const valid: JsonRecord = sampleFields(t, today, {
        ...(commandFields(t).some((f) => f.name === 'date') ? { date } : {}),
        ...(t.kind === 'deliberation' ? { number: step.number } : {}),
      });
      const names2 = commandFields(t).map((f) => f.name);
      const fields: Record<string, unknown> =
        step.fields === 'valid'
          ? valid
          : step.fields === 'junk'
            ? step.junk
            : names2.length > 0
              ? { ...valid, [names2[step.pick % names2.length]]: step.junkValue }
              : { ...valid, altro: step.junkValue };
      return { command: commands.transition(t.command, fields), roles: t.roles };
    }
  }
}

/** A cheap assertion: these run tens of thousands of times. */
function check(ok: boolean, what: string, detail?: unknown): void {
  if (!ok) throw new Error(`${what}${detail === undefined ? '' : `: ${JSON.stringify(detail)}`}`);
}

function checkEvent(
  def: CycleDefinition,
  before: CycleState,
  history: readonly FoldableEvent[],
  command: CycleCommand,
  by: ActorContext,
  step: Step,
  now: Date,
  e: DomainEvent,
): void {
  check(!closed(def, before), 'a closed cycle produced an event', e);
  check(e.actorId === by.userId, 'actorId is the actor', e);
  check(by.roles.includes(e.actorRole), 'the acting role is held', { roles: by.roles, e });
  if (step.actingRole) check(e.actorRole === step.actingRole, 'the requested acting role is used', e);
  check(e.occurredAt === now.toISOString(), 'occurredAt is the clock', e);
  const engine: Partial<Record<CycleCommand['type'], [string, readonly Role[]]>> = {
    attach: ['DocumentAttached', def.attachRoles],
    comment: ['CommentAdded', def.commentRoles],
    cancel: ['CycleCancelled', def.cancelRoles],
  };
  const own = engine[command.type];
  if (own) {
    check(e.type === own[0] && own[1].includes(e.actorRole), `${command.type}: event type and role`, e);
    return;
  }
  check(
    command.type === 'transition',
    'only transitions, attachments, comments and cancellations are issued',
    command,
  );
  if (command.type !== 'transition') return;
  const t = findTransition(def, before.stage, command.command);
  check(t !== undefined, `no transition "${command.command}" from "${before.stage}"`, e);
  if (!t) return;
  check(e.type === t.event, "the event type is the transition's", { expected: t.event, e });
  const d = e.data;
  check(
    d.command === t.command &&
      d.kind === t.kind &&
      d.from === before.stage &&
      d.to === t.to &&
      d.organ === t.organ,
    'command, kind, organ, from, to',
    { t, d },
  );
  check(t.roles.includes(e.actorRole), 'the acting role is allowed', { roles: t.roles, e });
  const fields = d.fields as JsonRecord;
  const defs = commandFields(t);
  check(
    Object.keys(fields).every((k) => defs.some((f) => f.name === k)),
    'only declared fields',
    fields,
  );
  check(
    defs.every((f) => !f.required || fields[f.name] !== undefined),
    'every required field',
    fields,
  );
  for (const rule of transitionRules(t)) {
    if (rule.type === 'independent_of') {
      const earlier = history.filter(
        (h) =>
          (h.type === 'CycleOpened' && rule.commands.includes('open')) ||
          (isTransitionEvent(h) &&
            (rule.kinds.includes(h.data.kind as TransitionKind) || rule.commands.includes(String(h.data.command)))),
      );
      check(
        earlier.every((h) => h.actorId !== by.userId),
        `independent_of ${describeRule(rule)}`,
        e,
      );
      continue;
    }
    const last = rule.type === 'requires_attachment' ? undefined : lastActorOf(history, rule.command);
    if (rule.type === 'not_same_actor_as') check(last !== by.userId, `not_same_actor_as ${rule.command}`, e);
    if (rule.type === 'only_same_actor_as')
      check(last === by.userId, `only_same_actor_as ${rule.command}`, { last, e });
    if (rule.type === 'requires_attachment')
      check(
        history.some((h) => h.type === 'DocumentAttached'),
        'requires_attachment',
        e,
      );
  }
  // Act dates: within the cycle's period and not before the step the act follows.
  if (['deliberation', 'validation', 'refusal', 'publication', 'transmission'].includes(t.kind) && typeof fields.date === 'string') {
    const date = fields.date;
    check(date >= earliestActDate(before.year), 'act date not before the cycle period', e);
    const previous = [...history].reverse().find((h) => isTransitionEvent(h) || h.type === 'CycleOpened');
    if (previous) {
      const own = (previous.data.fields as JsonRecord | undefined)?.date;
      const bound = isTransitionEvent(previous) && typeof own === 'string' && ['deliberation', 'validation', 'refusal', 'publication', 'transmission'].includes(String(previous.data.kind)) ? own : todayAt(new Date(previous.occurredAt));
      check(date >= bound, 'act date not before the step it follows', { bound, e });
    }
  }
  if (t.kind === 'deliberation') {
    const date = fields.date as string;
    check(date <= todayAt(now), 'deliberation date not in the future', e);
    const submission = [...history]
      .reverse()
      .find((h) => isTransitionEvent(h) && h.data.kind === 'submission');
    if (submission)
      check(
        date >= todayAt(new Date(submission.occurredAt)),
        'deliberation date not before the submission',
        e,
      );
    const norm = (n: unknown) => String(n).trim().toLowerCase();
    const clash = history.find(
      (h) =>
        isTransitionEvent(h) &&
        h.data.kind === 'deliberation' &&
        h.data.organ === t.organ &&
        String((h.data.fields as JsonRecord).date).slice(0, 4) === date.slice(0, 4) &&
        norm((h.data.fields as JsonRecord).number) === norm(fields.number),
    );
    check(clash === undefined, 'deliberation number unique per organ and year', { clash, e });
  }
}

function checkState(def: CycleDefinition, state: CycleState, history: readonly FoldableEvent[]): void {
  const transitions = history.filter(isTransitionEvent);
  const facts = {
    exists: state.exists,
    tenant: state.tenant,
    stageKnown: def.stages.some((s) => s.id === state.stage),
    version: state.version,
    transitions: state.history.length,
    stage: state.stage,
    status: state.status,
    attachments: state.attachments.length,
    deliberations: state.deliberations.length,
  };
  const expected = {
    exists: true,
    tenant: TENANT,
    stageKnown: true,
    version: history.length,
    transitions: transitions.length,
    stage: transitions.length > 0 ? transitions[transitions.length - 1].data.to : def.initialStage,
    status: history.some((h) => h.type === 'CycleCancelled') ? 'cancelled' : 'open',
    attachments: history.filter((h) => h.type === 'DocumentAttached').length,
    deliberations: transitions.filter((h) => h.data.kind === 'deliberation').length,
  };
  check(JSON.stringify(facts) === JSON.stringify(expected), 'folded state', { facts, expected });
}

describe.each(DEFS.map((d) => [`${d.id} v${d.version}`, d] as const))(
  '%s: random command sequences',
  (_name, def) => {
    const reached = new Set<string>();

    it('produce only permitted events, and fold to a valid state', () => {
      fc.assert(
        fc.property(fc.array(stepArb, { minLength: 1, maxLength: 40, size: 'max' }), (steps) => {
          let clock = START;
          const opener = actor(def.openRoles[0]);
          const opened = decide(commands.open(2027), foldCycle([]), {
            actor: opener,
            now: new Date(clock),
            definition: def,
            timeZone: TIME_ZONE,
          });
          let history: FoldableEvent[] = opened.map((e, i) => ({ ...e, version: i + 1, tenant: TENANT }));
          let state = foldCycle(history);
          reached.add(state.stage);
          for (const step of steps) {
            clock += step.advanceMinutes * 60_000;
            const now = new Date(clock);
            const { command, roles } = toCommand(def, state, step, now);
            const fitting = POOL.filter((p) => p.roles.some((r) => roles.includes(r)));
            const by =
              step.who === 'fit' && fitting.length > 0
                ? fitting[step.whoPick % fitting.length]
                : POOL[step.whoPick % POOL.length];
            let produced: DomainEvent[] = [];
            try {
              produced = decide(command, state, {
                actor: by,
                now,
                definition: def,
                timeZone: TIME_ZONE,
                ...(step.actingRole ? { actingRole: step.actingRole } : {}),
              });
            } catch (e) {
              if (!(e instanceof DomainRefusal)) throw e;
              if (closed(def, state))
                check(e.code === 'CYCLE_CLOSED', 'a closed cycle refuses with CYCLE_CLOSED', e.code);
              continue;
            }
            check(produced.length === 1, 'one event per accepted command', produced);
            for (const e of produced) checkEvent(def, state, history, command, by, step, now, e);
            history = [
              ...history,
              ...produced.map((e, i) => ({ ...e, version: history.length + i + 1, tenant: TENANT })),
            ];
            state = foldCycle(history);
            checkState(def, state, history);
            reached.add(state.stage);
          }
        }),
        { numRuns: 150 },
      );
    });

    // Not a property of the decider: a check that the walks explored the whole definition (with 150
    // runs of up to 40 steps every stage is reached; missing one would mean the generator went blind).
    it('the random walks reached every stage', () => {
      expect(def.stages.map((s) => s.id).filter((s) => !reached.has(s))).toEqual([]);
    });
  },
);

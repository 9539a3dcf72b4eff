/**
 * Given/when/then harness for the decider, for tests only (not exported from index.ts).
 *
 *   given(def, ...events).when(command, actor, { now }).then(['SubmittedForReview'])
 *   given(def, ...events).when(command, actor, { now }).then('SEPARATION_OF_DUTIES')
 *
 * `pathTo(def, stage)` finds (breadth-first, running the real decider) a sequence of commands that
 * takes a new cycle from the initial stage to `stage`, with one user per role (`u-po`,
 * `u-segretario_generale`, ...), a document attached first, deliberations dated "today" by the
 * injected clock and numbered uniquely.
 */
import {
  commandFields,
  outgoingTransitions,
  type CycleDefinition,
  type FieldDefinition,
  type Role,
  type TransitionDefinition,
} from '../definitions';
import { addDays, isoDateAt, type IsoDate } from '../calendar';
import { decide } from './decide';
import { DomainRefusal, type RefusalCode } from './errors';
import type { FoldableEvent } from './evolve';
import { foldCycle } from './fold';
import type {
  ActorContext,
  CycleCommand,
  CycleState,
  DecisionContext,
  DomainEvent,
  JsonRecord,
  JsonValue,
  KnownDeliberation,
  LinkCandidate,
} from './model';

export const TENANT = 'cciaa-test';
export const OTHER_TENANT = 'cciaa-altra';
export const CYCLE_ID = '00000000-0000-4000-8000-000000000001';
/** Friday 15 January 2027, 11:00 in Rome. */
export const NOW = new Date('2027-01-15T10:00:00Z');
export const TIME_ZONE = 'Europe/Rome';

/** "Today" for a clock reading, in the harness time zone. */
export const todayAt = (now: Date): IsoDate => isoDateAt(now, TIME_ZONE);

/** A user. Default id: `u-<role>` (one person per role), `u-<role1>+<role2>` for several roles. */
export function actor(
  roles: Role | readonly Role[],
  options: { userId?: string; tenant?: string } = {},
): ActorContext {
  const list: readonly Role[] = typeof roles === 'string' ? [roles] : roles;
  return {
    userId: options.userId ?? `u-${list.join('+')}`,
    tenant: options.tenant ?? TENANT,
    roles: [...list],
  };
}

/** A second person holding the same role(s): `u-<role>-2`. */
export const otherActor = (roles: Role | readonly Role[], tenant = TENANT): ActorContext => {
  const a = actor(roles, { tenant });
  return { ...a, userId: `${a.userId}-2` };
};

/** Command builders with valid defaults. */
export const commands = {
  open: (year = 2027, cycleId = CYCLE_ID): CycleCommand => ({ type: 'open', cycleId, year }),
  transition: (command: string, fields: Record<string, unknown> = {}): CycleCommand => ({
    type: 'transition',
    command,
    fields,
  }),
  attach: (n = 1): CycleCommand => ({
    type: 'attach',
    documentId: `doc-${n}`,
    name: `documento-${n}.pdf`,
    mediaType: 'application/pdf',
    size: 1024,
    sha256: 'ab'.repeat(32),
  }),
  comment: (text = 'Osservazione'): CycleCommand => ({ type: 'comment', commentId: 'comment-1', text }),
  cancel: (reason = 'Avviato per errore'): CycleCommand => ({ type: 'cancel', reason }),
  migrate: (toVersion: number): CycleCommand => ({ type: 'migrate', toVersion }),
};

const HASH = '0123456789abcdef'.repeat(4);

/** A valid value for one field. Deliberation numbers default to `1/<year>`. */
export function sampleValue(f: FieldDefinition, today: IsoDate, t?: TransitionDefinition): JsonValue {
  switch (f.type) {
    case 'text':
    case 'string': {
      const v =
        f.name === 'number' && t?.kind === 'deliberation' ? `1/${today.slice(0, 4)}` : `Valore di ${f.name}`;
      return v.slice(0, f.maxLength ?? v.length);
    }
    case 'integer':
      return 3;
    case 'number':
      return 2.5;
    case 'boolean':
      return true;
    case 'date':
      return today;
    case 'datetime':
      return `${today}T08:30:00.000Z`;
    case 'url':
      return `https://www.example.org/${t?.command ?? 'documento'}`;
    case 'sha256':
      return HASH;
    case 'enum':
      return (f.values ?? [])[0] ?? '';
  }
}

/** Valid values for every field of a transition's command (implied and own, optional ones included). */
export function sampleFields(
  t: TransitionDefinition,
  today: IsoDate,
  overrides: JsonRecord = {},
): JsonRecord {
  const out: JsonRecord = {};
  for (const f of commandFields(t)) out[f.name] = sampleValue(f, today, t);
  return { ...out, ...overrides };
}

/** Stream version and tenant for events as the decider returned them. */
function toFoldable(events: readonly (DomainEvent | FoldableEvent)[], tenant: string): FoldableEvent[] {
  return events.map((e, i) => ({
    type: e.type,
    data: e.data,
    actorId: e.actorId,
    actorRole: e.actorRole,
    occurredAt: e.occurredAt,
    version: i + 1,
    tenant: 'tenant' in e ? e.tenant : tenant,
  }));
}

export interface WhenOptions {
  now: Date;
  actingRole?: Role;
  knownDeliberations?: readonly KnownDeliberation[];
  targetDefinition?: CycleDefinition;
  /** Definition to decide with (default: the one given). */
  definition?: CycleDefinition;
  linkCandidates?: readonly LinkCandidate[];
  linkedVersions?: Readonly<Record<string, number>>;
  /** As the command handler sets it for survey-grid cycles. */
  checkSurveyGrid?: boolean;
}

/** What a command produced: events, or the refusal. */
export interface Outcome {
  readonly events: DomainEvent[];
  readonly refusal?: DomainRefusal;
  /** State the command was decided on. */
  readonly before: CycleState;
  /** Given events followed by the produced ones (stream versions renumbered). */
  readonly history: FoldableEvent[];
  /** State after the produced events. */
  readonly after: CycleState;
  /**
   * Asserts the outcome: the exact list of event types, or the refusal code. Returns the produced
   * events (not the outcome: a `then`-able must not be returned from a test).
   */
  then(expected: readonly string[] | RefusalCode): DomainEvent[];
}

export interface Given {
  readonly state: CycleState;
  readonly events: FoldableEvent[];
  when(command: CycleCommand, by: ActorContext, options: WhenOptions): Outcome;
}

const describeOutcome = (o: { events: DomainEvent[]; refusal?: DomainRefusal }): string =>
  o.refusal
    ? `refusal ${o.refusal.code} (${o.refusal.message})`
    : `events [${o.events.map((e) => e.type).join(', ')}]`;

/** A cycle whose stream holds `events` (versions 1..n; tenant TENANT unless the event names one). */
export function given(def: CycleDefinition, ...events: (DomainEvent | FoldableEvent)[]): Given {
  const history = toFoldable(events, TENANT);
  const state = foldCycle(history);
  return {
    state,
    events: history,
    when(command, by, options) {
      const ctx: DecisionContext = {
        actor: by,
        now: options.now,
        definition: options.definition ?? def,
        timeZone: TIME_ZONE,
        ...(options.actingRole ? { actingRole: options.actingRole } : {}),
        ...(options.knownDeliberations ? { knownDeliberations: options.knownDeliberations } : {}),
        ...(options.targetDefinition ? { targetDefinition: options.targetDefinition } : {}),
        ...(options.linkCandidates ? { linkCandidates: options.linkCandidates } : {}),
        ...(options.linkedVersions ? { linkedVersions: options.linkedVersions } : {}),
        ...(options.checkSurveyGrid ? { checkSurveyGrid: true } : {}),
      };
      let produced: DomainEvent[] = [];
      let refusal: DomainRefusal | undefined;
      try {
        produced = decide(command, state, ctx);
      } catch (e) {
        if (!(e instanceof DomainRefusal)) throw e;
        refusal = e;
      }
      const all = toFoldable([...history, ...produced.map((e) => ({ ...e, tenant: by.tenant }))], TENANT);
      const outcome: Outcome = {
        events: produced,
        ...(refusal ? { refusal } : {}),
        before: state,
        history: all,
        after: foldCycle(all),
        then(expected) {
          const what = `${command.type === 'transition' ? command.command : command.type} by ${by.userId}`;
          if (typeof expected === 'string') {
            if (refusal?.code !== expected)
              throw new Error(`${what}: expected refusal ${expected}, got ${describeOutcome(outcome)}`);
          } else {
            const types = produced.map((e) => e.type);
            if (refusal || types.length !== expected.length || types.some((t, i) => t !== expected[i])) {
              throw new Error(
                `${what}: expected events [${expected.join(', ')}], got ${describeOutcome(outcome)}`,
              );
            }
          }
          return produced;
        },
      };
      return outcome;
    },
  };
}

export interface PathOptions {
  /** The clock for every step (default NOW). */
  now?: Date;
  year?: number;
  tenant?: string;
  /** Attach a document right after opening (default true). */
  attach?: boolean;
  /** A command the path must include. */
  through?: string;
  /** Per command, the actor tried first. */
  prefer?: Readonly<Record<string, ActorContext>>;
  /** Per command, a user id that must not issue it. */
  avoid?: Readonly<Record<string, string>>;
}

export interface PathStep {
  command: CycleCommand;
  actor: ActorContext;
  events: DomainEvent[];
}

export interface Path {
  readonly stage: string;
  readonly steps: PathStep[];
  /** The stream after the path (open, attach, transitions). */
  readonly events: FoldableEvent[];
  readonly state: CycleState;
}

interface Node {
  state: CycleState;
  events: FoldableEvent[];
  steps: PathStep[];
  through: boolean;
}

function candidates(t: TransitionDefinition, tenant: string, options: PathOptions): ActorContext[] {
  const preferred = options.prefer?.[t.command];
  const list = [
    ...(preferred ? [preferred] : []),
    ...t.roles.map((r) => actor(r, { tenant })),
    ...t.roles.map((r) => otherActor(r, tenant)),
  ];
  const avoid = options.avoid?.[t.command];
  return list.filter((a) => a.userId !== avoid);
}

/**
 * A shortest sequence of commands (by the real decider) from a new cycle to `stage`, or undefined.
 * Each transition is issued by the first candidate the decider accepts: the preferred actor, then
 * `u-<role>` for each allowed role, then a second person `u-<role>-2`.
 */
export function findPath(def: CycleDefinition, stage: string, options: PathOptions = {}): Path | undefined {
  const now = options.now ?? NOW;
  const today = todayAt(now);
  const tenant = options.tenant ?? TENANT;
  const run = (node: Node, command: CycleCommand, by: ActorContext): Node | undefined => {
    try {
      const produced = decide(command, node.state, { actor: by, now, definition: def, timeZone: TIME_ZONE });
      const events = toFoldable([...node.events, ...produced.map((e) => ({ ...e, tenant }))], tenant);
      return {
        state: foldCycle(events),
        events,
        steps: [...node.steps, { command, actor: by, events: produced }],
        through: node.through || (command.type === 'transition' && command.command === options.through),
      };
    } catch (e) {
      if (e instanceof DomainRefusal) return undefined;
      throw e;
    }
  };
  const empty: Node = { state: foldCycle([]), events: [], steps: [], through: options.through === undefined };
  let start = run(empty, commands.open(options.year ?? 2027), actor(def.openRoles[0], { tenant }));
  if (!start) throw new Error(`${def.id}: cannot open a cycle`);
  if (options.attach !== false && def.attachRoles.length > 0) {
    start = run(start, commands.attach(), actor(def.attachRoles[0], { tenant }));
    if (!start) throw new Error(`${def.id}: cannot attach a document`);
  }
  const key = (n: Node) => `${n.state.stage}|${n.through}`;
  const seen = new Set([key(start)]);
  const queue: Node[] = [start];
  while (queue.length > 0) {
    const node = queue.shift() as Node;
    if (node.state.stage === stage && node.through)
      return { stage, steps: node.steps, events: node.events, state: node.state };
    for (const t of outgoingTransitions(def, node.state.stage)) {
      const number = `${node.state.deliberations.length + 1}/${today.slice(0, 4)}`;
      const command = commands.transition(
        t.command,
        sampleFields(t, today, t.kind === 'deliberation' ? { number } : {}),
      );
      for (const by of candidates(t, tenant, options)) {
        const next = run(node, command, by);
        if (!next) continue;
        if (!seen.has(key(next))) {
          seen.add(key(next));
          queue.push(next);
        }
        break;
      }
    }
  }
  return undefined;
}

/** Like `findPath`, but throws when the stage cannot be reached. */
export function pathTo(def: CycleDefinition, stage: string, options: PathOptions = {}): Path {
  const path = findPath(def, stage, options);
  if (!path) {
    throw new Error(
      `${def.id} v${def.version}: no path to stage "${stage}"${options.through ? ` through "${options.through}"` : ''}`,
    );
  }
  return path;
}

/** The day before/after `today`, for dates just outside what the decider accepts. */
export const dayOffset = (now: Date, days: number): IsoDate => addDays(todayAt(now), days);

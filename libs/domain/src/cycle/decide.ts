import {
  commandFields,
  findTransition,
  outgoingTransitions,
  transitionRules,
  type CycleDefinition,
  type DeadlineDefinition,
  type Role,
  type TransitionDefinition,
  type TransitionKind,
  type TransitionRule,
} from '../definitions';
import { addDays, isIsoDate, isoDateAt, type IsoDate } from '../calendar';
import { deadlineLegalDate } from './deadlines';
import { DomainRefusal, type FieldProblem } from './errors';
import { validateFields } from './fields';
import { decideLinkCommand } from './links';
import { ownValue, periodLabel, type CycleCommand, type CycleState, type DecisionContext, type DomainEvent, type JsonRecord } from './model';

const MAX_DOCUMENT_BYTES = 100 * 1024 * 1024;

function isClosed(state: CycleState, def: CycleDefinition): boolean {
  return state.status === 'cancelled' || def.stages.some((s) => s.id === state.stage && s.terminal);
}

/** The role the actor acts in: the requested one (must be held) or the first held role that is allowed. */
export function actingRole(ctx: DecisionContext, allowed: readonly Role[]): Role {
  if (ctx.actingRole) {
    if (!ctx.actor.roles.includes(ctx.actingRole)) throw new DomainRefusal('ROLE_NOT_HELD', ctx.actingRole);
    if (!allowed.includes(ctx.actingRole)) throw new DomainRefusal('ROLE_NOT_ALLOWED', `allowed: ${allowed.join(', ') || 'nobody'}`);
    return ctx.actingRole;
  }
  const role = ctx.actor.roles.find((r) => allowed.includes(r));
  if (!role) throw new DomainRefusal('ROLE_NOT_ALLOWED', `allowed: ${allowed.join(', ') || 'nobody'}`);
  return role;
}

function event(ctx: DecisionContext, role: Role, type: string, data: JsonRecord): DomainEvent {
  return { type, data, actorId: ctx.actor.userId, actorRole: role, occurredAt: ctx.now.toISOString() };
}

function requireOpen(state: CycleState, ctx: DecisionContext): void {
  if (!state.exists || state.tenant !== ctx.actor.tenant) throw new DomainRefusal('CYCLE_NOT_FOUND');
  if (isClosed(state, ctx.definition)) {
    throw new DomainRefusal('CYCLE_CLOSED', state.status === 'cancelled' ? 'cancelled' : `terminal stage ${state.stage}`);
  }
}

function invalid(problems: FieldProblem[]): never {
  throw new DomainRefusal('INVALID_FIELDS', problems.map((p) => `${p.field} ${p.problem}`).join('; '), problems);
}

const itDate = (iso: string): string => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

/** Kinds whose `date` field dates an act (a deliberation, a validation, a publication...). */
const ACT_KINDS: readonly TransitionKind[] = ['deliberation', 'validation', 'refusal', 'publication', 'transmission'];

/** The earliest date an act of the cycle may carry: 1 January of the year before the cycle's year. */
export const earliestActDate = (year: number): IsoDate => `${String(year - 1).padStart(4, '0')}-01-01`;

/** Title of a command in the definition (for Italian messages); `open` is the opening of the cycle. */
function stepTitle(def: CycleDefinition, command: string): string {
  if (command === 'open') return 'apertura del ciclo';
  if (command === 'edit_content') return 'compilazione della griglia di rilevazione';
  return def.transitions.find((t) => t.command === command)?.title ?? command;
}

/** The earlier step of this cycle, named by an `independent_of` rule, that `userId` performed. */
function dependentStep(rule: Extract<TransitionRule, { type: 'independent_of' }>, state: CycleState, userId: string): string | undefined {
  if (rule.commands.includes('open') && state.openedBy === userId) return 'open';
  if (rule.commands.includes('open') && state.contentEditors?.includes(userId)) return 'edit_content';
  return state.history.find(
    (h) => h.actorId === userId && (rule.kinds.includes(h.kind as TransitionKind) || rule.commands.includes(h.command)),
  )?.command;
}

/** A rule about persons or attachments that `userId` does not pass, as the refusal to throw; null when it passes. */
function ruleRefusal(rule: TransitionRule, t: TransitionDefinition, state: CycleState, def: CycleDefinition, userId: string): DomainRefusal | null {
  switch (rule.type) {
    case 'not_same_actor_as':
      return ownValue(state.lastActorByCommand, rule.command) === userId
        ? new DomainRefusal('SEPARATION_OF_DUTIES', `the same person performed "${rule.command}"`)
        : null;
    case 'only_same_actor_as':
      return ownValue(state.lastActorByCommand, rule.command) !== userId
        ? new DomainRefusal('ONLY_ORIGINAL_ACTOR', `only who performed "${rule.command}" may "${t.command}"`)
        : null;
    case 'requires_attachment':
      return state.attachments.length === 0 ? new DomainRefusal('ATTACHMENT_REQUIRED') : null;
    case 'independent_of': {
      const step = dependentStep(rule, state, userId);
      return step
        ? new DomainRefusal(
            'INDEPENDENCE_REQUIRED',
            `${userId} performed "${step}" in this cycle and cannot "${t.command}"`,
            [],
            `in questo ciclo la stessa persona ha già compiuto «${stepTitle(def, step)}»`,
          )
        : null;
    }
  }
}

/** The day the step a transition follows happened: the act date it carries, else the day it was recorded (or the cycle opened). */
function previousStepDate(state: CycleState, tz: string): { date: IsoDate; what: string } {
  const last = state.history[state.history.length - 1];
  if (!last) return { date: isoDateAt(new Date(state.openedAt), tz), what: 'the opening of the cycle' };
  const actDate = ACT_KINDS.includes(last.kind as TransitionKind) && isIsoDate(last.fields.date) ? last.fields.date : null;
  return { date: actDate ?? isoDateAt(new Date(last.at), tz), what: `"${last.command}"` };
}

/** Dates of acts: not in the future, not before the cycle's period, not before the step they follow (docs/cycle-definitions.md). */
function checkActDate(t: TransitionDefinition, date: IsoDate, state: CycleState, ctx: DecisionContext): void {
  const tz = ctx.timeZone ?? 'Europe/Rome';
  const today = isoDateAt(ctx.now, tz);
  const field = (problem: string): FieldProblem[] => [{ field: 'date', problem }];
  if (date > today) {
    throw new DomainRefusal(t.kind === 'deliberation' ? 'DELIBERATION_DATE_IN_FUTURE' : 'DATE_IN_FUTURE', `${date} is after ${today}`, field(`must not be after ${today}`), `campo date: il ${itDate(date)} è successiva a oggi (${itDate(today)})`);
  }
  const earliest = earliestActDate(state.year);
  if (date < earliest) {
    throw new DomainRefusal(
      'ACT_DATE_BEFORE_PERIOD',
      `${date} is before ${earliest}, the earliest date for the ${state.periodLabel} cycle`,
      field(`must not be before ${earliest}`),
      `campo date: il ${itDate(date)} è anteriore al ${itDate(earliest)}, prima data ammessa per il ciclo ${state.periodLabel}`,
    );
  }
  if (t.kind === 'deliberation' && state.lastSubmissionAt) {
    const submitted = isoDateAt(new Date(state.lastSubmissionAt), tz);
    if (date < submitted) {
      throw new DomainRefusal('DELIBERATION_DATE_BEFORE_SUBMISSION', `${date} is before the submission of ${submitted}`, field(`must not be before ${submitted}`), `campo date: il ${itDate(date)} è anteriore all'invio del ${itDate(submitted)}`);
    }
  }
  const previous = previousStepDate(state, tz);
  if (date < previous.date) {
    throw new DomainRefusal(
      'ACT_DATE_BEFORE_PREVIOUS_STEP',
      `${date} is before ${previous.what} of ${previous.date}`,
      field(`must not be before ${previous.date}`),
      `campo date: il ${itDate(date)} è anteriore al passaggio precedente (${state.history.length ? stepTitle(ctx.definition, state.history[state.history.length - 1].command) : 'apertura del ciclo'}) del ${itDate(previous.date)}`,
    );
  }
}

/** A submission leaving the editable stage of a survey-grid cycle whose grid has no rows. */
function surveyGridEmpty(t: TransitionDefinition, state: CycleState, def: CycleDefinition): boolean {
  return t.kind === 'submission' && def.content === 'survey_grid' && def.editableStages.includes(state.stage) && !state.gridRows?.length;
}

/** Rules of a transition beyond roles: persons (separation of duties, independence), attachments, dates, deliberation numbers. */
function checkTransitionRules(t: TransitionDefinition, fields: JsonRecord, state: CycleState, ctx: DecisionContext): void {
  for (const rule of transitionRules(t)) {
    const refusal = ruleRefusal(rule, t, state, ctx.definition, ctx.actor.userId);
    if (refusal) throw refusal;
  }
  const date = isIsoDate(fields.date) ? fields.date : null;
  if (date && ACT_KINDS.includes(t.kind)) checkActDate(t, date, state, ctx);
  if (t.kind === 'deliberation' && date) {
    const year = Number(date.slice(0, 4));
    const number = String(fields.number).trim().toLowerCase();
    const organ = t.organ as string;
    const inCycle = state.deliberations.some((d) => d.organ === organ && d.date.slice(0, 4) === String(year) && d.number.trim().toLowerCase() === number);
    const elsewhere = (ctx.knownDeliberations ?? []).find(
      (d) => d.organ === organ && d.year === year && d.number.trim().toLowerCase() === number && d.cycleId !== state.cycleId,
    );
    if (inCycle || elsewhere) {
      throw new DomainRefusal('DUPLICATE_DELIBERATION_NUMBER', `${organ} n. ${fields.number} of ${year}${elsewhere ? ` (cycle ${elsewhere.cycleId})` : ''}`);
    }
  }
}

/** The last year of a cycle's period: 2029 for a PIAO 2027-2029, 2031 for a mandate from 2027. */
function periodEnd(def: CycleDefinition, year: number): number {
  if (def.period === 'triennial') return year + 2;
  if (def.period === 'mandate') return year + 4;
  return year;
}

/**
 * The dates a deadline may be moved to (docs/deadlines.md): within 366 days of the date its rule
 * gives; for a deadline without one (rule `none`, or an event that has not happened), from 1 January
 * of the year before the cycle's year to 31 December of the year after its period ends.
 */
export function plausibleDeadlineWindow(state: CycleState, def: CycleDefinition, d: DeadlineDefinition, timeZone: string): { from: IsoDate; to: IsoDate } {
  const ruleDate = deadlineLegalDate({ ...state, movedDeadlines: {} }, d, timeZone);
  if (ruleDate) return { from: addDays(ruleDate, -366), to: addDays(ruleDate, 366) };
  return { from: earliestActDate(state.year), to: `${String(periodEnd(def, state.year) + 1).padStart(4, '0')}-12-31` };
}

/** The linked versions a deliberation records: resolved `reports_on` and `measures_and_varies` links whose version the caller read. */
function fixedVersions(def: CycleDefinition, state: CycleState, ctx: DecisionContext): JsonRecord | null {
  const out: JsonRecord = {};
  for (const l of def.links) {
    if (l.relation === 'follows' || !Object.hasOwn(state.links, l.id)) continue;
    const v = ctx.linkedVersions?.[l.id];
    if (typeof v === 'number') out[l.id] = v;
  }
  return Object.keys(out).length ? out : null;
}

/**
 * Decides what a command means for a cycle: the events to append, or a `DomainRefusal`.
 * Pure: the definition, the actor and the clock come in `ctx`.
 */
export function decide(command: CycleCommand, state: CycleState, ctx: DecisionContext): DomainEvent[] {
  const def = ctx.definition;
  switch (command.type) {
    case 'link':
    case 'resolve_links':
    case 'record_linked_from':
    case 'record_linked_event':
    case 'switch_deadline_rule':
      return decideLinkCommand(command, state, ctx, (allowed) => actingRole(ctx, allowed));
    case 'open': {
      if (state.exists) throw new DomainRefusal('CYCLE_ALREADY_EXISTS', command.cycleId);
      const role = actingRole(ctx, def.openRoles);
      const problems: FieldProblem[] = [];
      if (!Number.isInteger(command.year) || command.year < 2000 || command.year > 2100) problems.push({ field: 'year', problem: 'must be an integer between 2000 and 2100' });
      if (command.title !== undefined && (typeof command.title !== 'string' || !command.title.trim() || command.title.length > 300))
        problems.push({ field: 'title', problem: 'must be 1 to 300 characters' });
      if (problems.length) invalid(problems);
      const label = periodLabel(def.period, command.year);
      return [
        event(ctx, role, 'CycleOpened', {
          cycleId: command.cycleId,
          cycleType: def.id,
          definitionVersion: def.version,
          year: command.year,
          periodLabel: label,
          title: command.title?.trim() || `${def.title} ${label}`,
          stage: def.initialStage,
        }),
      ];
    }
    case 'transition': {
      if (!state.exists || state.tenant !== ctx.actor.tenant) throw new DomainRefusal('CYCLE_NOT_FOUND');
      if (!def.transitions.some((t) => t.command === command.command)) throw new DomainRefusal('UNKNOWN_COMMAND', command.command);
      requireOpen(state, ctx);
      const t = findTransition(def, state.stage, command.command);
      if (!t) {
        const available = outgoingTransitions(def, state.stage).map((x) => x.command);
        throw new DomainRefusal('UNKNOWN_TRANSITION', `"${command.command}" from stage "${state.stage}" (available: ${available.join(', ') || 'none'})`);
      }
      const role = actingRole(ctx, t.roles);
      const { values, problems } = validateFields(commandFields(t), command.fields ?? {});
      if (problems.length) invalid(problems);
      checkTransitionRules(t, values, state, ctx);
      if (ctx.checkSurveyGrid && surveyGridEmpty(t, state, def)) {
        throw new DomainRefusal('ATTESTATION_GRID_EMPTY', 'no rows', [], 'nessun obbligo nella griglia di rilevazione');
      }
      if (t.kind === 'submission' && ctx.planProblems?.length && def.editableStages.includes(state.stage)) {
        const problems = ctx.planProblems;
        throw new DomainRefusal(
          'PLAN_INCOMPLETE',
          `${problems.length} problem${problems.length === 1 ? '' : 's'} in the plan`,
          problems.map((p) => ({ field: p.nodeCode, problem: `${p.code}${p.year !== undefined ? ` ${p.year}` : ''}: ${p.message}` })),
        );
      }
      // A deliberation fixes the version of the cycles it reports on or measures (docs/links.md).
      const fixes = t.kind === 'deliberation' ? fixedVersions(def, state, ctx) : null;
      return [
        event(ctx, role, t.event, {
          command: t.command,
          kind: t.kind,
          ...(t.organ ? { organ: t.organ } : {}),
          from: state.stage,
          to: t.to,
          fields: values,
          ...(fixes ? { linkedVersions: fixes } : {}),
        }),
      ];
    }
    case 'attach': {
      requireOpen(state, ctx);
      const role = actingRole(ctx, def.attachRoles);
      const problems: FieldProblem[] = [];
      if (typeof command.name !== 'string' || !command.name.trim() || command.name.length > 255) problems.push({ field: 'name', problem: 'must be 1 to 255 characters' });
      if (typeof command.mediaType !== 'string' || !/^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/i.test(command.mediaType))
        problems.push({ field: 'mediaType', problem: 'must be a media type such as application/pdf' });
      if (!Number.isSafeInteger(command.size) || command.size < 1 || command.size > MAX_DOCUMENT_BYTES)
        problems.push({ field: 'size', problem: `must be between 1 and ${MAX_DOCUMENT_BYTES} bytes` });
      if (typeof command.sha256 !== 'string' || !/^[0-9a-f]{64}$/i.test(command.sha256)) problems.push({ field: 'sha256', problem: 'must be a SHA-256 in 64 hex digits' });
      if (command.note !== undefined && (typeof command.note !== 'string' || command.note.length > 2000)) problems.push({ field: 'note', problem: 'must be at most 2000 characters' });
      if (problems.length) invalid(problems);
      return [
        event(ctx, role, 'DocumentAttached', {
          documentId: command.documentId,
          name: command.name.trim(),
          mediaType: command.mediaType.toLowerCase(),
          size: command.size,
          sha256: command.sha256.toLowerCase(),
          stage: state.stage,
          ...(command.note ? { note: command.note } : {}),
        }),
      ];
    }
    case 'comment': {
      requireOpen(state, ctx);
      const role = actingRole(ctx, def.commentRoles);
      if (typeof command.text !== 'string' || !command.text.trim() || command.text.length > 4000) invalid([{ field: 'text', problem: 'must be 1 to 4000 characters' }]);
      return [event(ctx, role, 'CommentAdded', { commentId: command.commentId, text: command.text.trim(), stage: state.stage })];
    }
    case 'cancel': {
      requireOpen(state, ctx);
      const role = actingRole(ctx, def.cancelRoles);
      if (typeof command.reason !== 'string' || !command.reason.trim() || command.reason.length > 4000) invalid([{ field: 'reason', problem: 'must be 1 to 4000 characters' }]);
      return [event(ctx, role, 'CycleCancelled', { reason: command.reason.trim(), from: state.stage })];
    }
    case 'migrate': {
      requireOpen(state, ctx);
      const role = actingRole(ctx, [...new Set<Role>([...def.cancelRoles, 'admin'])]);
      const target = ctx.targetDefinition;
      if (!target || target.id !== def.id || target.version !== command.toVersion) invalid([{ field: 'toVersion', problem: 'is not a known version of this cycle type' }]);
      if (target.version <= state.definitionVersion) throw new DomainRefusal('DEFINITION_VERSION_NOT_NEWER', `${target.version} <= ${state.definitionVersion}`);
      if (!target.stages.some((s) => s.id === state.stage)) {
        throw new DomainRefusal('STAGE_NOT_IN_VERSION', `stage "${state.stage}" is not in version ${target.version}`);
      }
      return [event(ctx, role, 'CycleMigrated', { fromVersion: state.definitionVersion, toVersion: target.version, stage: state.stage })];
    }
    case 'move_deadline': {
      requireOpen(state, ctx);
      const d = def.deadlines.find((x) => x.id === command.deadlineId);
      if (!d) throw new DomainRefusal('UNKNOWN_DEADLINE', `${String(command.deadlineId)} (known: ${def.deadlines.map((x) => x.id).join(', ') || 'none'})`);
      // Who may move a date: whoever may cancel the cycle, an administrator, and the RPCT for the
      // dates that are routinely moved year by year (ANAC notices): docs/deadlines.md.
      const role = actingRole(ctx, [...new Set<Role>([...def.cancelRoles, 'admin', ...(d.editablePerYear ? (['rpct'] as Role[]) : [])])]);
      if (typeof command.newDate !== 'string' || !isIsoDate(command.newDate)) throw new DomainRefusal('INVALID_DEADLINE_DATE', JSON.stringify(command.newDate), [{ field: 'newDate', problem: 'must be a date YYYY-MM-DD' }], 'campo newDate');
      if (ownValue(state.stageReachedAt, d.metBy)) throw new DomainRefusal('DEADLINE_ALREADY_MET', `${d.id}: stage ${d.metBy} reached on ${ownValue(state.stageReachedAt, d.metBy)}`);
      const problems: FieldProblem[] = [];
      if (typeof command.reason !== 'string' || !command.reason.trim() || command.reason.length > 4000) problems.push({ field: 'reason', problem: 'must be 1 to 4000 characters' });
      if (typeof command.reference !== 'string' || !command.reference.trim() || command.reference.length > 500) problems.push({ field: 'reference', problem: 'must be 1 to 500 characters' });
      if (problems.length) invalid(problems);
      const tz = ctx.timeZone ?? 'Europe/Rome';
      const window = plausibleDeadlineWindow(state, def, d, tz);
      if (command.newDate < window.from || command.newDate > window.to) {
        throw new DomainRefusal(
          'DEADLINE_DATE_IMPLAUSIBLE',
          `${command.newDate} for ${d.id}: must be between ${window.from} and ${window.to}`,
          [{ field: 'newDate', problem: `must be between ${window.from} and ${window.to}` }],
          `campo newDate: il ${itDate(command.newDate)} per «${d.title}»: deve essere tra il ${itDate(window.from)} e il ${itDate(window.to)}`,
        );
      }
      const fromDate = deadlineLegalDate(state, d, tz);
      if (fromDate === command.newDate) throw new DomainRefusal('INVALID_DEADLINE_DATE', `${command.newDate} is already the date of ${d.id}`);
      return [
        event(ctx, role, 'DeadlineMoved', {
          deadlineId: d.id,
          fromDate,
          toDate: command.newDate,
          reason: command.reason.trim(),
          reference: command.reference.trim(),
        }),
      ];
    }
  }
}

/** A transition the actor's roles allow from the current stage, held back by one of its rules now. */
export interface BlockedCommand {
  command: string;
  code: 'SEPARATION_OF_DUTIES' | 'ONLY_ORIGINAL_ACTOR' | 'ATTACHMENT_REQUIRED' | 'INDEPENDENCE_REQUIRED' | 'ATTESTATION_GRID_EMPTY';
}

/** Why a transition the actor may take in principle is not possible now (the first failing rule), or null. */
function blockingRule(t: TransitionDefinition, state: CycleState, def: CycleDefinition, userId: string, checkSurveyGrid = false): BlockedCommand['code'] | null {
  for (const r of transitionRules(t)) {
    const refusal = ruleRefusal(r, t, state, def, userId);
    if (refusal) return refusal.code as BlockedCommand['code'];
  }
  if (checkSurveyGrid && surveyGridEmpty(t, state, def)) return 'ATTESTATION_GRID_EMPTY';
  return null;
}

/**
 * Transitions from the current stage that the actor's roles allow but a rule holds back now
 * (separation of duties, an attachment required...), with the refusal the command would meet:
 * a console shows them with the reason instead of hiding them.
 */
export function blockedCommands(state: CycleState, ctx: Omit<DecisionContext, 'actingRole'>): BlockedCommand[] {
  const def = ctx.definition;
  if (!state.exists || state.tenant !== ctx.actor.tenant || isClosed(state, def)) return [];
  const out: BlockedCommand[] = [];
  for (const t of outgoingTransitions(def, state.stage)) {
    if (!ctx.actor.roles.some((r) => t.roles.includes(r))) continue;
    const code = blockingRule(t, state, def, ctx.actor.userId, ctx.checkSurveyGrid);
    if (code) out.push({ command: t.command, code });
  }
  return out;
}

/** What `actor` may do now: transitions from the current stage its roles allow and whose rules pass, plus common commands. */
export function availableCommands(state: CycleState, ctx: Omit<DecisionContext, 'actingRole'>): string[] {
  const def = ctx.definition;
  if (!state.exists || state.tenant !== ctx.actor.tenant || isClosed(state, def)) return [];
  const holds = (roles: readonly Role[]) => ctx.actor.roles.some((r) => roles.includes(r));
  const out: string[] = [];
  for (const t of outgoingTransitions(def, state.stage)) {
    if (!holds(t.roles)) continue;
    if (!blockingRule(t, state, def, ctx.actor.userId, ctx.checkSurveyGrid)) out.push(t.command);
  }
  if (holds(def.attachRoles)) out.push('attach');
  if (holds(def.commentRoles)) out.push('comment');
  if (holds(def.cancelRoles)) out.push('cancel');
  return out;
}

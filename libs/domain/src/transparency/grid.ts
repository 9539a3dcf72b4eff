/**
 * The grid of Amministrazione trasparente (d.lgs. 33/2013, Allegato A; ANAC's grid, Allegato 1 to
 * delibera 1310/2016 as updated): every publication obligation with its section and sub-section,
 * legal reference, content and update frequency, the office that produces it and the office that
 * publishes it, and the publications recorded by the offices. Per tenant, as events in the stream
 * `<tenant>/transparency`.
 */
import { isIsoDate, isoDateAt, type IsoDate } from '../calendar';
import { actingRole } from '../cycle/decide';
import { DomainRefusal, type FieldProblem } from '../cycle/errors';
import type { FoldableEvent } from '../cycle/evolve';
import type { DecisionContext, DomainEvent } from '../cycle/model';
import type { Role } from '../definitions';
import { FieldReader, isObject } from '../plan/fields';
import { classifyTransparencyEvent, transparencyEvent, unhandledTransparencyEvent, type TransparencyEventData, type TransparencyEventType } from './events';
import { initialTransparencyState, UPDATE_FREQUENCIES, type TransparencyItem, type TransparencyObligation, type TransparencyState, type UpdateFrequency } from './model';

/** Who sets up the grid (obligations, responsible offices). */
export const TRANSPARENCY_GRID_ROLES: readonly Role[] = ['rpct', 'segretario_generale', 'admin'];
/** Who records a publication or a change to publish: the offices that produce and publish, and the RPCT. */
export const TRANSPARENCY_PUBLICATION_ROLES: readonly Role[] = ['po', 'dirigente', 'segreteria_organi', 'struttura_tecnica', 'rpct'];

export type TransparencyCommand =
  | { type: 'add_obligation'; obligation: unknown }
  | { type: 'assign_offices'; obligationId: unknown; producerOffice: unknown; publisherOffice: unknown }
  | { type: 'record_publication'; obligationId: unknown; date: unknown; url: unknown; note?: unknown }
  | { type: 'report_change'; obligationId: unknown; date: unknown; note: unknown };

export const TRANSPARENCY_COMMANDS = ['add_obligation', 'assign_offices', 'record_publication', 'report_change'] as const;

const ID_RE = /^[a-z0-9][a-z0-9-]{0,79}$/;

function invalid(problems: FieldProblem[]): never {
  throw new DomainRefusal('INVALID_FIELDS', problems.map((p) => `${p.field} ${p.problem}`).join('; '), problems);
}

/** An https address with a host, at most 2,000 characters. */
export function isHttpsUrl(v: unknown): v is string {
  if (typeof v !== 'string' || v.length > 2000) return false;
  try {
    const u = new URL(v);
    return u.protocol === 'https:' && u.hostname.length > 0 && !u.username && !u.password;
  } catch {
    return false;
  }
}

export function validateObligation(input: unknown): { obligation?: TransparencyObligation; problems: FieldProblem[] } {
  if (!isObject(input)) return { problems: [{ field: 'obligation', problem: 'must be a JSON object' }] };
  const r = new FieldReader(input, 'obligation');
  const allowed = ['id', 'section', 'subsection', 'title', 'legalReference', 'content', 'frequency', 'order'];
  for (const k of Object.keys(input)) if (!allowed.includes(k)) r.problem(k, 'is not an accepted field');
  const id = typeof input.id === 'string' && ID_RE.test(input.id) ? input.id : (r.problem('id', 'must be 1 to 80 lower-case letters, digits and dashes'), undefined);
  const section = r.string('section', { required: true, max: 200 });
  const subsection = r.string('subsection', { required: true, max: 200 });
  const title = r.string('title', { required: true, max: 500 });
  const legalReference = r.string('legalReference', { required: true, max: 500 });
  const content = r.string('content', { required: true, max: 4000 });
  const frequency = UPDATE_FREQUENCIES.includes(input.frequency as UpdateFrequency)
    ? (input.frequency as UpdateFrequency)
    : (r.problem('frequency', `must be one of: ${UPDATE_FREQUENCIES.join(', ')}`), undefined);
  const order = r.number('order', { integer: true, min: 0, max: 100000 }) ?? 0;
  if (r.problems.length || !id || !section || !subsection || !title || !legalReference || !content || !frequency) return { problems: r.problems };
  return { obligation: { id, section, subsection, title, legalReference, content, frequency, order }, problems: [] };
}

function requireItem(state: TransparencyState, id: unknown): TransparencyItem {
  const item = typeof id === 'string' ? state.items.get(id) : undefined;
  if (!item) throw new DomainRefusal('TRANSPARENCY_OBLIGATION_NOT_FOUND', String(id), [{ field: 'obligationId', problem: 'is not an obligation of the grid' }]);
  return item;
}

/** A date field of a record: a real day, not after today in the tenant's time zone. */
function pastDate(r: FieldReader, value: unknown, field: string, today: IsoDate): IsoDate | undefined {
  if (!isIsoDate(value)) {
    r.problem(field, 'must be a date YYYY-MM-DD');
    return undefined;
  }
  if (value > today) {
    throw new DomainRefusal('DATE_IN_FUTURE', `${field} ${value} is after ${today}`, [{ field, problem: `must not be after ${today}` }], `campo ${field}: il ${value.slice(8, 10)}/${value.slice(5, 7)}/${value.slice(0, 4)} è successivo a oggi`);
  }
  return value;
}

export type TransparencyContext = Pick<DecisionContext, 'actor' | 'actingRole' | 'now' | 'timeZone'>;

/** Decides a command on the tenant's grid: the events to append, or a `DomainRefusal`. Pure. */
export function decideTransparency(command: TransparencyCommand, state: TransparencyState, ctx: TransparencyContext): DomainEvent[] {
  const isSetup = command.type === 'add_obligation' || command.type === 'assign_offices';
  const role = actingRole(ctx as DecisionContext, isSetup ? TRANSPARENCY_GRID_ROLES : TRANSPARENCY_PUBLICATION_ROLES);
  const event = <K extends TransparencyEventType>(type: K, data: TransparencyEventData[K]): DomainEvent => transparencyEvent(type, data, ctx.actor.userId, role, ctx.now.toISOString());
  const today = isoDateAt(ctx.now, ctx.timeZone ?? 'Europe/Rome');
  switch (command.type) {
    case 'add_obligation': {
      const { obligation, problems } = validateObligation(command.obligation);
      if (!obligation) invalid(problems);
      if (state.items.has(obligation.id)) throw new DomainRefusal('TRANSPARENCY_OBLIGATION_EXISTS', obligation.id);
      return [event('TransparencyObligationAdded', { obligation: { ...obligation } })];
    }
    case 'assign_offices': {
      const item = requireItem(state, command.obligationId);
      const r = new FieldReader(command as unknown as Record<string, unknown>);
      const producerOffice = r.string('producerOffice', { required: true, max: 200 });
      const publisherOffice = r.string('publisherOffice', { required: true, max: 200 });
      if (r.problems.length || !producerOffice || !publisherOffice) invalid(r.problems);
      if (item.producerOffice === producerOffice && item.publisherOffice === publisherOffice) throw new DomainRefusal('TRANSPARENCY_OFFICES_UNCHANGED', item.obligation.id);
      return [event('TransparencyOfficesAssigned', { obligationId: item.obligation.id, producerOffice, publisherOffice })];
    }
    case 'record_publication': {
      const item = requireItem(state, command.obligationId);
      const r = new FieldReader(command as unknown as Record<string, unknown>);
      if (!isHttpsUrl(command.url)) r.problem('url', 'must be an https URL');
      const note = r.string('note', { max: 2000 });
      const date = pastDate(r, command.date, 'date', today);
      if (r.problems.length || !date) invalid(r.problems);
      return [event('TransparencyPublicationRecorded', { obligationId: item.obligation.id, date, url: command.url as string, ...(note ? { note } : {}) })];
    }
    case 'report_change': {
      const item = requireItem(state, command.obligationId);
      const r = new FieldReader(command as unknown as Record<string, unknown>);
      const note = r.string('note', { required: true, max: 2000 });
      const date = pastDate(r, command.date, 'date', today);
      if (r.problems.length || !date || !note) invalid(r.problems);
      return [event('TransparencyChangeReported', { obligationId: item.obligation.id, date, note })];
    }
    default:
      throw new DomainRefusal('INVALID_FIELDS', 'unknown command', [{ field: 'type', problem: `must be one of: ${TRANSPARENCY_COMMANDS.join(', ')}` }]);
  }
}

type StoredTransparencyEvent = Pick<FoldableEvent, 'type' | 'data' | 'version' | 'actorId' | 'actorRole' | 'occurredAt'>;

/** The item an event names, copied (the state folded from is shared), or undefined when not in the grid. */
function copyOf(s: TransparencyState, obligationId: string): TransparencyItem | undefined {
  const item = s.items.get(obligationId);
  return item ? { ...item } : undefined;
}

/**
 * Applies one event to a state the caller owns: classified first (`classifyTransparencyEvent`),
 * then each kind of the union, with a `never` check. Unknown types only advance the version; an
 * event naming an obligation not in the grid changes nothing else.
 */
export function applyTransparencyEvent(s: TransparencyState, stored: StoredTransparencyEvent): void {
  const e = classifyTransparencyEvent(stored);
  s.version = e.version;
  switch (e.kind) {
    case 'TransparencyObligationAdded': {
      const { obligation } = e.data;
      if (obligation) s.items.set(obligation.id, { obligation, producerOffice: null, publisherOffice: null, publications: [], changes: [] });
      return;
    }
    case 'TransparencyOfficesAssigned': {
      const item = copyOf(s, e.data.obligationId);
      if (!item) return;
      item.producerOffice = e.data.producerOffice;
      item.publisherOffice = e.data.publisherOffice;
      s.items.set(item.obligation.id, item);
      return;
    }
    case 'TransparencyPublicationRecorded': {
      const item = copyOf(s, e.data.obligationId);
      if (!item) return;
      const { date, url, note } = e.data;
      item.publications = [...item.publications, { date, url, ...(note !== undefined ? { note } : {}), by: e.actorId, role: e.actorRole, at: e.occurredAt }];
      s.items.set(item.obligation.id, item);
      return;
    }
    case 'TransparencyChangeReported': {
      const item = copyOf(s, e.data.obligationId);
      if (!item) return;
      item.changes = [...item.changes, { date: e.data.date, note: e.data.note, by: e.actorId, at: e.occurredAt }];
      s.items.set(item.obligation.id, item);
      return;
    }
    case 'other':
      return;
    default:
      unhandledTransparencyEvent(e);
  }
}

export function foldTransparency(
  events: readonly StoredTransparencyEvent[],
  from: TransparencyState = initialTransparencyState(),
): TransparencyState {
  const s: TransparencyState = { version: from.version, items: new Map(from.items) };
  for (const e of events) applyTransparencyEvent(s, e);
  return s;
}

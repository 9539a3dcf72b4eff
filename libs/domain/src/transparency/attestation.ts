/**
 * The survey grid (griglia di rilevazione) of the OIV's yearly attestation: the rows are the
 * obligations ANAC names that year, chosen from the tenant's transparency grid, each with the
 * values of ANAC's grid. Kept as events in the attestation cycle's own stream, editable in the
 * definition's editable stages by the struttura tecnica or the RPCT. Whoever edits it counts as
 * having drafted the cycle: the OIV's attestation is refused to them (independence).
 */
import { DomainRefusal, type FieldProblem } from '../cycle/errors';
import type { FoldableEvent } from '../cycle/evolve';
import { actingRole } from '../cycle/decide';
import type { CycleState, DecisionContext, DomainEvent, JsonRecord } from '../cycle/model';
import type { Role } from '../definitions';
import { FieldReader, isObject } from '../plan/fields';
import type { TransparencyObligation } from './model';

export const ATTESTATION_GRID_ROLES: readonly Role[] = ['struttura_tecnica', 'rpct'];

/** The values of a row, as in ANAC's grid: publication 0 or 2, the others 0 to 3. */
export interface AttestationValues {
  /** Pubblicazione: 0 not published, 2 published */
  pubblicazione: 0 | 2;
  /** Completezza del contenuto, 0-3 */
  completezza: number;
  /** Aggiornamento, 0-3 */
  aggiornamento: number;
  /** Apertura del formato, 0-3 */
  formatoAperto: number;
}

export interface AttestationGridRow extends AttestationValues {
  /** Obligation of the tenant's grid */
  obligationId: string;
  /** Section of Amministrazione trasparente */
  section: string;
  /** Sub-section */
  subsection: string;
  /** The obligation */
  title: string;
  /** Legal reference */
  legalReference: string;
  /** Note (e.g. what was checked) */
  note?: string;
  /** Who set the row last */
  by: string;
  /** When */
  at: string;
}

export interface AttestationGridState {
  /** Rows in the order first added */
  rows: AttestationGridRow[];
}

export type AttestationGridCommand =
  | { type: 'set_row'; obligationId: unknown; pubblicazione: unknown; completezza: unknown; aggiornamento: unknown; formatoAperto: unknown; note?: unknown }
  | { type: 'remove_row'; obligationId: unknown };

/** The data of the grid's event types (in the cycle's stream: their schema versions are the cycle's, `CYCLE_EVENT_SCHEMA_VERSIONS`). */
export interface AttestationGridEventData {
  AttestationGridRowSet: Omit<AttestationGridRow, 'by' | 'at'>;
  AttestationGridRowRemoved: { obligationId: string };
}

export type AttestationGridEventType = keyof AttestationGridEventData;

export const ATTESTATION_GRID_EVENTS: readonly AttestationGridEventType[] = ['AttestationGridRowSet', 'AttestationGridRowRemoved'];

type StoredGridEvent = Pick<FoldableEvent, 'type' | 'data' | 'actorId' | 'occurredAt'>;

/** An event of the cycle's stream as the survey grid sees it: its two types, and `other` (ignored). */
export type AttestationGridEvent =
  | { [K in AttestationGridEventType]: { kind: K; actorId: string; occurredAt: string; data: AttestationGridEventData[K] } }[AttestationGridEventType]
  | { kind: 'other'; type: string };

const text = (v: unknown): string => (typeof v === 'string' ? v : '');
/** A score 0-3 as stored; anything else reads as 0 (nothing attested). */
const score = (v: unknown): number => (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 3 ? v : 0);

/** A stored event of the cycle's stream as a member of the grid's union, its data read defensively. */
export function classifyAttestationGridEvent(e: StoredGridEvent): AttestationGridEvent {
  const d: JsonRecord = isObject(e.data) ? e.data : {};
  const env = { actorId: e.actorId, occurredAt: e.occurredAt };
  switch (e.type) {
    case 'AttestationGridRowSet':
      return {
        ...env,
        kind: e.type,
        data: {
          obligationId: text(d.obligationId),
          section: text(d.section),
          subsection: text(d.subsection),
          title: text(d.title),
          legalReference: text(d.legalReference),
          pubblicazione: d.pubblicazione === 2 ? 2 : 0,
          completezza: score(d.completezza),
          aggiornamento: score(d.aggiornamento),
          formatoAperto: score(d.formatoAperto),
          ...(typeof d.note === 'string' ? { note: d.note } : {}),
        },
      };
    case 'AttestationGridRowRemoved':
      return { ...env, kind: e.type, data: { obligationId: text(d.obligationId) } };
    default:
      return { kind: 'other', type: e.type };
  }
}

export interface AttestationGridContext extends Pick<DecisionContext, 'actor' | 'actingRole' | 'now' | 'definition'> {
  /** The obligations of the tenant's transparency grid, by id. */
  obligations: ReadonlyMap<string, TransparencyObligation>;
}

function invalid(problems: FieldProblem[]): never {
  throw new DomainRefusal('INVALID_FIELDS', problems.map((p) => `${p.field} ${p.problem}`).join('; '), problems);
}

/** Decides a grid command for the cycle; refused outside the definition's editable stages. Pure. */
export function decideAttestationGrid(command: AttestationGridCommand, cycle: CycleState, grid: AttestationGridState, ctx: AttestationGridContext): DomainEvent[] {
  if (!cycle.exists || cycle.tenant !== ctx.actor.tenant) throw new DomainRefusal('CYCLE_NOT_FOUND');
  if (ctx.definition.content !== 'survey_grid') throw new DomainRefusal('NO_SURVEY_GRID', ctx.definition.id);
  const role = actingRole(ctx as DecisionContext, ATTESTATION_GRID_ROLES);
  if (cycle.status === 'cancelled') throw new DomainRefusal('CYCLE_CLOSED', 'cancelled');
  if (!ctx.definition.editableStages.includes(cycle.stage)) throw new DomainRefusal('ATTESTATION_GRID_NOT_EDITABLE', `stage ${cycle.stage}`);
  const event = <K extends AttestationGridEventType>(type: K, data: AttestationGridEventData[K]): DomainEvent => ({
    type,
    data: data as unknown as JsonRecord,
    actorId: ctx.actor.userId,
    actorRole: role,
    occurredAt: ctx.now.toISOString(),
  });
  if (!isObject(command)) invalid([{ field: 'body', problem: 'must be a JSON object' }]);
  const id = typeof command.obligationId === 'string' ? command.obligationId : '';
  if (command.type === 'remove_row') {
    if (!grid.rows.some((r) => r.obligationId === id)) throw new DomainRefusal('ATTESTATION_GRID_ROW_NOT_FOUND', id, [{ field: 'obligationId', problem: 'is not a row of the grid' }]);
    return [event('AttestationGridRowRemoved', { obligationId: id })];
  }
  const obligation = ctx.obligations.get(id);
  if (!obligation) throw new DomainRefusal('TRANSPARENCY_OBLIGATION_NOT_FOUND', id, [{ field: 'obligationId', problem: 'is not an obligation of the grid' }]);
  const r = new FieldReader(command as unknown as Record<string, unknown>);
  const allowed = ['type', 'obligationId', 'pubblicazione', 'completezza', 'aggiornamento', 'formatoAperto', 'note'];
  for (const k of Object.keys(command)) if (!allowed.includes(k)) r.problem(k, 'is not an accepted field');
  const pubblicazione = command.pubblicazione === 0 || command.pubblicazione === 2 ? command.pubblicazione : (r.problem('pubblicazione', 'must be 0 or 2'), undefined);
  const score = (field: 'completezza' | 'aggiornamento' | 'formatoAperto'): number | undefined => {
    const v = command[field];
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 3) return v;
    r.problem(field, 'must be an integer between 0 and 3');
    return undefined;
  };
  const completezza = score('completezza');
  const aggiornamento = score('aggiornamento');
  const formatoAperto = score('formatoAperto');
  const note = r.string('note', { max: 2000 });
  if (r.problems.length || pubblicazione === undefined || completezza === undefined || aggiornamento === undefined || formatoAperto === undefined) invalid(r.problems);
  return [
    event('AttestationGridRowSet', {
      obligationId: obligation.id,
      section: obligation.section,
      subsection: obligation.subsection,
      title: obligation.title,
      legalReference: obligation.legalReference,
      pubblicazione,
      completezza,
      aggiornamento,
      formatoAperto,
      ...(note ? { note } : {}),
    }),
  ];
}

/** Folds the grid from the cycle's events (other event types are ignored). */
export function foldAttestationGrid(events: readonly StoredGridEvent[], from: AttestationGridState = { rows: [] }): AttestationGridState {
  let rows = [...from.rows];
  for (const stored of events) {
    const e = classifyAttestationGridEvent(stored);
    switch (e.kind) {
      case 'AttestationGridRowRemoved':
        rows = rows.filter((r) => r.obligationId !== e.data.obligationId);
        break;
      case 'AttestationGridRowSet': {
        const row: AttestationGridRow = { ...e.data, by: e.actorId, at: e.occurredAt };
        const i = rows.findIndex((r) => r.obligationId === row.obligationId);
        if (i >= 0) rows[i] = row;
        else rows.push(row);
        break;
      }
      case 'other':
        break;
      default: {
        const never: never = e;
        throw new Error(`Unhandled survey grid event ${JSON.stringify(never)}`);
      }
    }
  }
  return { rows };
}

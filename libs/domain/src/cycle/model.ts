import type { CycleDefinition, Organ, Role } from '../definitions';

/** JSON-compatible value carried in events. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonRecord = { [key: string]: JsonValue };

/** Who is acting, in which tenant, holding which roles. */
export interface ActorContext {
  userId: string;
  tenant: string;
  roles: readonly Role[];
}

/** A deliberation already recorded in the tenant (from any cycle), for the duplicate-number rule. */
export interface KnownDeliberation {
  organ: Organ;
  year: number;
  number: string;
  cycleId: string;
}

/** Everything `decide` needs besides the command and the state. No I/O, no clock reads. */
export interface DecisionContext {
  actor: ActorContext;
  /** The role the actor says it acts in; when absent, the first held role the command allows. */
  actingRole?: Role;
  /** The clock, read once by the caller. */
  now: Date;
  /** The definition version the cycle is pinned to (or, for `open`, the latest version). */
  definition: CycleDefinition;
  /** For `migrate`: the definition version to move to. */
  targetDefinition?: CycleDefinition;
  /** Deliberations already recorded in other cycles of the tenant. */
  knownDeliberations?: readonly KnownDeliberation[];
  /** Time zone for "today" (deliberation dates in the future). Default Europe/Rome. */
  timeZone?: string;
  /**
   * Problems of the cycle's plan content (`planSubmissionProblems`, computed by the caller): a
   * submission-kind transition leaving an editable stage is refused with `PLAN_INCOMPLETE` listing
   * them all. Absent or empty: no plan check.
   */
  planProblems?: readonly { code: string; nodeCode: string; message: string; year?: number }[];
}

export type CycleCommand =
  | { type: 'open'; cycleId: string; year: number; title?: string }
  | { type: 'transition'; command: string; fields: Record<string, unknown> }
  | { type: 'attach'; documentId: string; name: string; mediaType: string; size: number; sha256: string; note?: string }
  | { type: 'comment'; commentId: string; text: string }
  | { type: 'cancel'; reason: string }
  | { type: 'migrate'; toVersion: number }
  | { type: 'move_deadline'; deadlineId: string; newDate: string; reason: string; reference: string };

/** An event decided by the domain, before the store adds ids and technical metadata. */
export interface DomainEvent {
  type: string;
  data: JsonRecord;
  /** Who, in which role, when. */
  actorId: string;
  actorRole: Role;
  occurredAt: string;
}

export interface TransitionRecord {
  /** Stream version of the event (1-based). */
  version: number;
  /** Event type */
  type: string;
  /** Command that caused it */
  command: string;
  /** The transition's kind (submission, deliberation, validation...), as recorded in the event. */
  kind: string;
  /** Stage before */
  from: string;
  /** Stage after */
  to: string;
  /** Who acted */
  actorId: string;
  /** The role acted in */
  actorRole: string;
  /** When the act happened (ISO 8601) */
  at: string;
  /** The command's fields as recorded */
  fields: JsonRecord;
}

export interface AttachmentRecord {
  /** Document id (download with GET /cycles/{id}/documents/{documentId}) */
  documentId: string;
  /** File name as uploaded */
  name: string;
  /** Media type as uploaded */
  mediaType: string;
  /** Size in bytes */
  size: number;
  /** SHA-256 of the bytes (hex) */
  sha256: string;
  /** Who attached it */
  by: string;
  /** When (ISO 8601) */
  at: string;
}

export interface CycleState {
  exists: boolean;
  cycleId: string;
  tenant: string;
  cycleType: string;
  definitionVersion: number;
  year: number;
  periodLabel: string;
  title: string;
  stage: string;
  status: 'open' | 'cancelled';
  openedAt: string;
  openedBy: string;
  /** Stream version folded so far. */
  version: number;
  lastChangeAt: string;
  history: TransitionRecord[];
  /** For separation-of-duties rules: who last performed each command. */
  lastActorByCommand: Record<string, string>;
  /** Date-time of the latest submission-kind transition. */
  lastSubmissionAt: string | null;
  attachments: AttachmentRecord[];
  comments: {
    /** Comment id */
    commentId: string;
    /** The text */
    text: string;
    /** Who wrote it */
    by: string;
    /** The role acted in */
    role: string;
    /** When (ISO 8601) */
    at: string;
  }[];
  deliberations: {
    /** `giunta`, `consiglio` or `presidente` */
    organ: string;
    /** Deliberation number */
    number: string;
    /** Deliberation date */
    date: string;
    /** SHA-256 of the act */
    actHash: string;
    /** Stream version of the event that recorded it */
    version: number;
  }[];
  /** When each stage was first reached (for deadlines met). */
  stageReachedAt: Record<string, string>;
  cancelledReason?: string;
  /** Deadlines moved by `move_deadline`: the latest new legal date per deadline id. */
  movedDeadlines: Record<string, MovedDeadline>;
}

/** A deadline date changed by command (e.g. ANAC moving the RPCT report to 31 January). */
export interface MovedDeadline {
  fromDate: string | null;
  toDate: string;
  reason: string;
  reference: string;
  by: string;
  at: string;
}

export const initialCycleState = (): CycleState => ({
  exists: false,
  cycleId: '',
  tenant: '',
  cycleType: '',
  definitionVersion: 0,
  year: 0,
  periodLabel: '',
  title: '',
  stage: '',
  status: 'open',
  openedAt: '',
  openedBy: '',
  version: 0,
  lastChangeAt: '',
  history: [],
  lastActorByCommand: {},
  lastSubmissionAt: null,
  attachments: [],
  comments: [],
  deliberations: [],
  stageReachedAt: {},
  movedDeadlines: {},
});

/** Human label of a cycle's period: "2027-2029" for a triennial plan of 2027, "2027" for an annual one. */
export function periodLabel(period: CycleDefinition['period'], year: number): string {
  if (period === 'triennial') return `${year}-${year + 2}`;
  if (period === 'mandate') return `${year}-${year + 4}`;
  return String(year);
}

/** Own-property lookup: stage and command names such as `constructor` must not hit Object.prototype. */
export function ownValue<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

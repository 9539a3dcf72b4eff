import type { CycleDefinition, LinkRelation, Organ, Period, Role } from '../definitions';
import type { RatingMethod } from '../plan/register/model';

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

/** A cycle of the tenant a link may resolve to (read by the caller from the log). */
export interface LinkCandidate {
  cycleId: string;
  cycleType: string;
  year: number;
  period: Period;
  /** The candidate's stream version when read. */
  version: number;
  status: 'open' | 'cancelled';
  openedAt: string;
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
   * The chamber's rating method in force (its `<tenant>/rating-method` stream), read by the caller:
   * a register assessment pins it to the plan unless the plan has a method of its own. Absent or
   * null: ANAC's default (PNA 2019, Allegato 1).
   */
  ratingMethod?: (RatingMethod & { version: number; reason: string }) | null;
  /**
   * Problems of the cycle's plan content (`planSubmissionProblems`, computed by the caller): a
   * submission-kind transition leaving an editable stage is refused with `PLAN_INCOMPLETE` listing
   * them all. Absent or empty: no plan check.
   */
  planProblems?: readonly { code: string; nodeCode: string; message: string; year?: number }[];
  /**
   * For a deliberation of a cycle whose links report on or measure another cycle: each such
   * resolved link's target stream version now, recorded on the event (`linkedVersions`) so what the
   * organ approved stays fixed (docs/links.md).
   */
  linkedVersions?: Readonly<Record<string, number>>;
  /**
   * Set by the command handler for cycles whose content is a survey grid: a submission leaving an
   * editable stage with an empty grid is refused (`ATTESTATION_GRID_EMPTY`). Absent: no check.
   */
  checkSurveyGrid?: boolean;
  /** For `link` and `resolve_links`: the tenant's cycles of the linked types. */
  linkCandidates?: readonly LinkCandidate[];
  /**
   * Plan commands: the monitoring cycle (UUID) whose transition issues the command on the plan its
   * link names (engine-issued, docs/links.md). Absent for commands sent by people.
   */
  viaCycleId?: string;
  /**
   * Plan commands on a plan whose open variation a monitoring cycle opened: that cycle's stage and
   * the stages where its variation may be edited (loaded by the caller).
   */
  variationOwner?: { cycleId: string; stage: string; editableStages: readonly string[] };
}

export type CycleCommand =
  | { type: 'open'; cycleId: string; year: number; title?: string }
  | { type: 'transition'; command: string; fields: Record<string, unknown> }
  | { type: 'attach'; documentId: string; name: string; mediaType: string; size: number; sha256: string; note?: string }
  | { type: 'comment'; commentId: string; text: string }
  | { type: 'cancel'; reason: string }
  | { type: 'migrate'; toVersion: number }
  | { type: 'move_deadline'; deadlineId: string; newDate: string; reason: string; reference: string }
  /** Link (or relink) one of the definition's links to a cycle, with a reason (docs/links.md). */
  | { type: 'link'; linkId: string; targetCycleId: string; reason: string }
  /** Engine-issued after opening: resolve every unresolved link to the best fitting candidate. */
  | { type: 'resolve_links' }
  /** Engine-issued on the target: a cycle linked to this one (or, `withdrawn`, no longer does). */
  | { type: 'record_linked_from'; linkId: string; relation: LinkRelation; sourceCycleId: string; sourceType: string; sourceYear: number; sourceVersion: number; withdrawn?: boolean }
  /** Engine-issued on the source: an event of the linked cycle that a `later_of` deadline follows. */
  | { type: 'record_linked_event'; linkId: string; targetCycleId: string; event: string; date: string; targetVersion: number }
  /** Turn the linked part of a switchable `later_of` deadline on or off for this cycle's year. */
  | { type: 'switch_deadline_rule'; deadlineId: string; active: boolean; reason: string; reference: string };

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
  /**
   * Who drafted the cycle's content beside its transitions (the rows of an attestation's survey
   * grid): for independence, drafting counts as the opening (`independent_of` with `open`).
   */
  contentEditors?: string[];
  /** Obligations in the survey grid now (absent until the first grid event). */
  gridRows?: string[];
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
  /** Resolved links, by link id (docs/links.md). */
  links: Record<string, CycleLinkRecord>;
  /** Cycles linking to this one (current links only). */
  linkedFrom: LinkedFromRecord[];
  /** Per link id, per event type: the latest event of the linked cycle a `later_of` deadline follows. */
  linkedEvents: Record<string, Record<string, { date: string; targetVersion: number; at: string }>>;
  /**
   * Per link id, the target's version fixed by the latest deliberation of this cycle (the Giunta
   * approving the Relazione fixes the PIAO's figures it approved).
   */
  fixedLinks: Record<
    string,
    {
      /** The linked cycle (UUID) */
      targetCycleId: string;
      /** Its version the deliberation fixed */
      targetVersion: number;
      /** This cycle's version that fixed it */
      version: number;
      /** The event that fixed it */
      event: string;
      /** When (ISO 8601) */
      at: string;
    }
  >;
  /** Switches of `later_of` deadlines, by deadline id. */
  deadlineSwitches: Record<string, DeadlineSwitch>;
}

export interface CycleLinkRecord {
  /** The link of the definition */
  linkId: string;
  /** `reports_on`, `measures_and_varies` or `follows` */
  relation: string;
  /** Type of the linked cycle */
  targetType: string;
  /** The linked cycle (UUID) */
  targetCycleId: string;
  /** Its year */
  targetYear: number;
  /** Its period label */
  targetPeriod: string;
  /** The target's stream version when the link was made. */
  targetVersion: number;
  /** `automatic` (resolved by type and year) or `command` (linked by hand) */
  mode: 'automatic' | 'command';
  /** Why it was linked by hand */
  reason?: string;
  /** The cycle it was linked to before a relink */
  previousTargetCycleId?: string;
  /** Who linked it */
  by: string;
  /** When (ISO 8601) */
  at: string;
  /** This cycle's version that recorded the link. */
  version: number;
}

export interface LinkedFromRecord {
  /** The link of the other cycle's definition */
  linkId: string;
  /** `reports_on`, `measures_and_varies` or `follows` */
  relation: string;
  /** Type of the cycle linking here */
  sourceType: string;
  /** The cycle linking here (UUID) */
  sourceCycleId: string;
  /** Its year */
  sourceYear: number;
  /** Its version that recorded the link */
  sourceVersion: number;
  /** Who linked it */
  by: string;
  /** When (ISO 8601) */
  at: string;
}

export interface DeadlineSwitch {
  active: boolean;
  reason: string;
  reference: string;
  by: string;
  at: string;
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
  links: {},
  linkedFrom: [],
  linkedEvents: {},
  fixedLinks: {},
  deadlineSwitches: {},
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

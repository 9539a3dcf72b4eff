/**
 * Cycle definitions: the declarative description of one type of planning or reporting cycle
 * (PIAO, PTPCT, Relazione sulla performance, ...). A definition is data, read from
 * `seeds/cycles/<id>.v<version>.yaml` and validated by `cycleDefinitionSchema`; the decider
 * interprets it. See docs/cycle-definitions.md for the format.
 */

/** Roles known to the engine. Definitions may only name these. */
export const KNOWN_ROLES = [
  'segretario_generale',
  'rpct',
  'oiv',
  'dirigente',
  'po',
  'rilevatore',
  'segreteria_organi',
  'struttura_tecnica',
  'osservatore',
  'admin',
  'presidente',
  'revisori',
] as const;
export type Role = (typeof KNOWN_ROLES)[number];

/** How the cycle's year is read: triennial year 2027 means 2027-2029. */
export const PERIODS = ['annual', 'triennial', 'mandate', 'one_off'] as const;
export type Period = (typeof PERIODS)[number];

export const TRANSITION_KINDS = [
  'plain',
  'submission',
  'deliberation',
  'publication',
  'validation',
  'refusal',
  'transmission',
  'request_changes',
  'withdrawal',
  'approval',
] as const;
export type TransitionKind = (typeof TRANSITION_KINDS)[number];

/** Collegial or monocratic organ whose deliberation a `deliberation` transition records. */
export const ORGANS = ['giunta', 'consiglio', 'presidente'] as const;
export type Organ = (typeof ORGANS)[number];

export const FIELD_TYPES = [
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
export type FieldType = (typeof FIELD_TYPES)[number];

/** One field of a command body. */
export interface FieldDefinition {
  /** camelCase, unique within the transition (implied fields included). */
  readonly name: string;
  /** `text`, `string`, `integer`, `number`, `boolean`, `date`, `datetime`, `url`, `sha256` or `enum` */
  readonly type: FieldType;
  /** Default false. */
  readonly required: boolean;
  /** Only for `text` and `string`. */
  readonly maxLength?: number;
  /** Only for `enum`: the allowed values (non-empty, unique). */
  readonly values?: readonly string[];
  /** What the field is for, in Italian */
  readonly description?: string;
}

export const PUBLICATION_CHANNELS = [
  'amministrazione_trasparente',
  'albo_camerale',
  'portale_piao',
  'sito_istituzionale',
] as const;
export type PublicationChannel = (typeof PUBLICATION_CHANNELS)[number];

export const TRANSMISSION_RECIPIENTS = [
  'anac',
  'mef',
  'mimit',
  'funzione_pubblica',
  'ministero_infrastrutture',
  'unioncamere',
] as const;
export type TransmissionRecipient = (typeof TRANSMISSION_RECIPIENTS)[number];

/** Separation-of-duties and similar guards evaluated by the decider. */
export type TransitionRule =
  /** The actor must not be the person who last performed `command` in this cycle. */
  | {
      /** `not_same_actor_as`: whoever issued `command` may not issue this one */
      readonly type: 'not_same_actor_as';
      /** The other command */
      readonly command: string;
    }
  /** The actor must be the person who last performed `command` in this cycle. */
  | {
      /** `only_same_actor_as`: only whoever issued `command` may issue this one */
      readonly type: 'only_same_actor_as';
      /** The other command */
      readonly command: string;
    }
  /** At least one document must have been attached to the cycle before this transition. */
  | {
      /** `requires_attachment`: a document must be attached first */
      readonly type: 'requires_attachment';
    }
  /**
   * Independence by person: the actor must not be anyone who, at any time in this cycle, performed a
   * transition of one of `kinds` or one of `commands` (`open`: who opened the cycle). Transitions of
   * kinds `validation` and `refusal` always carry `DEFAULT_INDEPENDENCE` as well.
   */
  | {
      /** `independent_of`: whoever issued a transition of these kinds or commands may not issue this one */
      readonly type: 'independent_of';
      /** Transition kinds */
      readonly kinds: readonly TransitionKind[];
      /** Commands */
      readonly commands: readonly string[];
    };
export type TransitionRuleType = TransitionRule['type'];

export interface StageDefinition {
  /** snake_case, unique within the definition. */
  readonly id: string;
  /** Italian. */
  readonly title: string;
  /** Default false. A terminal stage has no outgoing transitions. */
  readonly terminal: boolean;
  /** Roles expected to act next in this stage (for inboxes). */
  readonly actors: readonly Role[];
}

export interface TransitionDefinition {
  /** snake_case; the API path segment. Unique among the transitions leaving any one stage. */
  readonly command: string;
  /** PascalCase past-tense event type produced. All transitions producing it share `to` and `kind`. */
  readonly event: string;
  /** Italian label. */
  readonly title: string;
  /** Stages the transition leaves from */
  readonly from: readonly string[];
  /** Stage it leads to */
  readonly to: string;
  /** Roles that may issue it */
  readonly roles: readonly Role[];
  /** Kind (submission, approval, deliberation, validation...): decides its implied fields and rules */
  readonly kind: TransitionKind;
  /** Present exactly when kind is `deliberation`. */
  readonly organ?: Organ;
  /** Extra body fields beyond those implied by `kind` (see IMPLIED_FIELDS). Default []. */
  readonly fields: readonly FieldDefinition[];
  /** Default []. */
  readonly rules: readonly TransitionRule[];
  /**
   * Per enum field (implied or own), the values this transition accepts: a subset of the field's
   * values, e.g. `{ recipient: [funzione_pubblica] }` for an upload to the PIAO portal. Optional.
   */
  readonly accepts?: Readonly<Record<string, readonly string[]>>;
}

/**
 * How a cycle relates to a cycle of another type (docs/cycle-definitions.md, Links):
 * `reports_on` (the Relazione sulla performance reports on the PIAO's plan), `measures_and_varies`
 * (the Monitoraggio intermedio measures the PIAO and may vary it), `follows` (a deadline of this
 * cycle follows an event of the other, e.g. the PIAO's adoption after the budget's approval).
 */
export const LINK_RELATIONS = ['reports_on', 'measures_and_varies', 'follows'] as const;
export type LinkRelation = (typeof LINK_RELATIONS)[number];

/**
 * Which cycle of the target type a link resolves to, by year: `same` (the target's year equals
 * this cycle's year), `covering` (the target's period covers this cycle's year: the PIAO 2027-2029
 * covers 2028).
 */
export const LINK_YEARS = ['same', 'covering'] as const;
/** What the editable stages edit: the performance tree (`plan`) or an attestation's survey grid. */
export const CYCLE_CONTENTS = ['plan', 'survey_grid'] as const;
export type CycleContent = (typeof CYCLE_CONTENTS)[number];
export type LinkYear = (typeof LINK_YEARS)[number];

export interface LinkDefinition {
  /** snake_case, unique within the definition; names the link in commands and deadline rules. */
  readonly id: string;
  /** Italian. */
  readonly title: string;
  /** The target cycle type (a definition id, not this one). */
  readonly type: string;
  /** `reports_on`, `measures_and_varies` or `follows` */
  readonly relation: LinkRelation;
  /** `same` year, or a period `covering` this cycle's year */
  readonly year: LinkYear;
  /** What this cycle's transitions do on the target's plan (a monitoring of the PIAO); absent: nothing */
  readonly plan?: LinkPlanEffects;
}

/** A monitoring cycle acting on the plan of the cycle its link names (docs/links.md). */
export interface LinkPlanEffects {
  /** The measurement period of the cycle's year opened when the link is made: `year`, `S1`, `S2`, `Q1`...`Q4` */
  readonly period: 'year' | 'S1' | 'S2' | 'Q1' | 'Q2' | 'Q3' | 'Q4';
  /** Transition commands that close that period's measurements on the target */
  readonly closePeriodOn: readonly string[];
  /** Transition commands that reopen them */
  readonly reopenPeriodOn: readonly string[];
  /** Transition commands that open a variation of the target's tree */
  readonly openVariationOn: readonly string[];
  /** Deliberation transitions that approve that variation */
  readonly approveVariationOn: readonly string[];
}

export type DeadlineRule =
  /** A date relative to the cycle's year: year + yearOffset, month, day. */
  | {
      /** `calendar`: a fixed day of the year */
      readonly type: 'calendar';
      /** Month (1-12) */
      readonly month: number;
      /** Day of the month */
      readonly day: number;
      /** Years after the cycle's first year */
      readonly yearOffset: number;
    }
  /** `days` calendar days after the (latest) event of this type in the cycle. */
  | {
      /** `after_event`: days after an event of the cycle */
      readonly type: 'after_event';
      /** The event type */
      readonly event: string;
      /** Days after it */
      readonly days: number;
    }
  /** No computed date: set by command (e.g. SMVP yearly update, mandate renewal). */
  | {
      /** `none`: no date */
      readonly type: 'none';
    }
  /**
   * The later of a calendar date (as `calendar`) and `days` calendar days after `event` of the cycle
   * linked by `link` (the act's own date when the event carries one). With `switchable`, the linked
   * part counts only in a year whose switch is turned on (`switch_deadline_rule`, e.g. the law
   * postponing the budget term); otherwise the calendar date alone applies.
   */
  | {
      /** `later_of`: the later of a calendar date and days after an act of a linked cycle */
      readonly type: 'later_of';
      /** Month (1-12) of the calendar date */
      readonly month: number;
      /** Day of the month of the calendar date */
      readonly day: number;
      /** Years after the cycle's first year */
      readonly yearOffset: number;
      /** The link naming the other cycle */
      readonly link: string;
      /** The event of the linked cycle */
      readonly event: string;
      /** Days after it */
      readonly days: number;
      /** Whether the linked part counts only in a year whose switch is on */
      readonly switchable: boolean;
    };
export type DeadlineRuleType = DeadlineRule['type'];

export interface DeadlineDefinition {
  /** snake_case, unique within the definition. */
  readonly id: string;
  /** Italian. */
  readonly title: string;
  /** The deadline is met when the cycle reaches this stage. */
  readonly metBy: string;
  /** The provision that sets it */
  readonly legalReference?: string;
  /** How the legal date is computed */
  readonly rule: DeadlineRule;
  /** Default false. True when the date is often moved (e.g. by ANAC) and may be changed per year. */
  readonly editablePerYear: boolean;
}

export interface ReminderPolicy {
  /** Days before the deadline on which reminders go out (unique, >= 0). */
  readonly offsetsDays: readonly number[];
  /** Once overdue, remind every N days. */
  readonly overdueEveryDays: number;
  /** Role that is notified when a deadline is overdue. */
  readonly escalateTo: Role;
}

export interface CycleDefinition {
  /** Lowercase slug (snake_case), the cycle type. */
  readonly id: string;
  /** Positive integer; (id, version) is unique. */
  readonly version: number;
  /** Italian. */
  readonly title: string;
  /** The provisions the cycle follows */
  readonly legalBasis: readonly string[];
  /** How the period is counted */
  readonly period: Period;
  /** Roles that may open a cycle */
  readonly openRoles: readonly Role[];
  /** Roles that may cancel it */
  readonly cancelRoles: readonly Role[];
  /** Roles that may comment */
  readonly commentRoles: readonly Role[];
  /** Roles that may attach documents */
  readonly attachRoles: readonly Role[];
  /** Stages in which the cycle's content (see `content`) may be edited. */
  readonly editableStages: readonly string[];
  /** What the editable stages edit: `plan` (the performance tree, default) or `survey_grid` (docs/transparency.md). */
  readonly content: CycleContent;
  /** Stage a new cycle starts in */
  readonly initialStage: string;
  /** The stages */
  readonly stages: readonly StageDefinition[];
  readonly transitions: readonly TransitionDefinition[];
  /** The statutory deadlines */
  readonly deadlines: readonly DeadlineDefinition[];
  /** When reminders go out and to whom the overdue ones escalate */
  readonly reminders: ReminderPolicy;
  /** Relations to cycles of other types. Default []. */
  readonly links: readonly LinkDefinition[];
}

/** One problem found in a definition document. */
export interface DefinitionIssue {
  /** The document's name, usually its file name (e.g. `piao.v1.yaml`). */
  readonly source: string;
  /** Path inside the document, e.g. `transitions[3].roles[1]`; '' for the whole document. */
  readonly path: string;
  readonly reason: string;
}

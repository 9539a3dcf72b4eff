// The engine's own events for the event catalogue (docs/events.md): each with the command that
// writes it, what it means and its data fields, as `decide` builds them.

export interface DataField {
  name: string;
  type: string;
  required: boolean;
  meaning: string;
}

export interface EngineEvent {
  type: string;
  command: string;
  summary: string;
  data: DataField[];
}

/** The engine's own events, as `decide` builds them (libs/domain/src/cycle/decide.ts). */
export const ENGINE_EVENTS: readonly EngineEvent[] = [
  {
    type: 'CycleOpened',
    command: 'open',
    summary: 'A cycle was opened. Always the first event of a stream.',
    data: [
      {
        name: 'cycleId',
        type: 'string (UUID)',
        required: true,
        meaning: 'the cycle id, as in the stream name',
      },
      { name: 'cycleType', type: 'string', required: true, meaning: 'the definition id, e.g. `piao`' },
      {
        name: 'definitionVersion',
        type: 'integer',
        required: true,
        meaning: 'the definition version the cycle is pinned to',
      },
      {
        name: 'year',
        type: 'integer',
        required: true,
        meaning: 'the cycle year (2000 to 2100): the first year of a triennial or mandate period',
      },
      {
        name: 'periodLabel',
        type: 'string',
        required: true,
        meaning: '`2027` (annual, one-off), `2027-2029` (triennial), `2027-2031` (mandate)',
      },
      {
        name: 'title',
        type: 'string',
        required: true,
        meaning:
          'the title given (trimmed, 1 to 300 characters), else the definition title and the period label',
      },
      { name: 'stage', type: 'stage id', required: true, meaning: 'the initial stage of the definition' },
    ],
  },
  {
    type: 'DocumentAttached',
    command: 'attach',
    summary: 'A document was attached to the cycle (needed before transitions with `requires_attachment`).',
    data: [
      { name: 'documentId', type: 'string', required: true, meaning: 'the stored document' },
      { name: 'name', type: 'string', required: true, meaning: 'file name, trimmed, 1 to 255 characters' },
      {
        name: 'mediaType',
        type: 'string',
        required: true,
        meaning: 'lower-case media type, e.g. `application/pdf`',
      },
      { name: 'size', type: 'integer', required: true, meaning: 'bytes, 1 to 104857600 (100 MiB)' },
      {
        name: 'sha256',
        type: 'sha256',
        required: true,
        meaning: 'SHA-256 of the content, 64 lower-case hex digits',
      },
      { name: 'stage', type: 'stage id', required: true, meaning: 'the stage the cycle was in' },
      { name: 'note', type: 'string', required: false, meaning: 'up to 2000 characters; absent when empty' },
    ],
  },
  {
    type: 'CommentAdded',
    command: 'comment',
    summary: 'Someone commented on the cycle.',
    data: [
      { name: 'commentId', type: 'string', required: true, meaning: 'the comment id' },
      { name: 'text', type: 'string', required: true, meaning: 'trimmed, 1 to 4000 characters' },
      { name: 'stage', type: 'stage id', required: true, meaning: 'the stage the cycle was in' },
    ],
  },
  {
    type: 'CycleCancelled',
    command: 'cancel',
    summary: 'The cycle was cancelled. It is closed: every later command is refused with `CYCLE_CLOSED`.',
    data: [
      { name: 'reason', type: 'string', required: true, meaning: 'trimmed, 1 to 4000 characters' },
      { name: 'from', type: 'stage id', required: true, meaning: 'the stage the cycle was in' },
    ],
  },
  {
    type: 'CycleMigrated',
    command: 'migrate',
    summary: 'The cycle moved to a newer version of its definition, which has its current stage.',
    data: [
      { name: 'fromVersion', type: 'integer', required: true, meaning: 'the definition version before' },
      {
        name: 'toVersion',
        type: 'integer',
        required: true,
        meaning: 'the definition version the cycle follows from now on',
      },
      { name: 'stage', type: 'stage id', required: true, meaning: 'the current stage, unchanged' },
    ],
  },
  {
    type: 'DeadlineMoved',
    command: 'move_deadline',
    summary:
      'A deadline of the cycle got a new legal date (e.g. ANAC moving the RPCT report), with the reason and the act that moved it. The effective date is recomputed from it; reminders follow.',
    data: [
      { name: 'deadlineId', type: 'string', required: true, meaning: 'a deadline id of the definition' },
      {
        name: 'fromDate',
        type: 'ISO date or null',
        required: true,
        meaning: 'the legal date before the move (null when the rule had not given one yet)',
      },
      { name: 'toDate', type: 'ISO date', required: true, meaning: 'the new legal date' },
      { name: 'reason', type: 'string', required: true, meaning: 'trimmed, 1 to 4000 characters' },
      {
        name: 'reference',
        type: 'string',
        required: true,
        meaning: 'the act or notice that moved it, trimmed, 1 to 500 characters',
      },
    ],
  },
  {
    type: 'CycleLinked',
    command: 'link',
    summary:
      "One of the definition's links resolved to a cycle of the tenant (docs/links.md): automatically when either cycle is opened, or by the `link` command with a reason (a relink names the previous target). The target records `CycleLinkedFrom`.",
    data: [
      { name: 'linkId', type: 'string', required: true, meaning: 'a link id of the definition' },
      { name: 'relation', type: 'string', required: true, meaning: '`reports_on`, `measures_and_varies` or `follows`' },
      { name: 'targetType', type: 'string', required: true, meaning: 'the target cycle type' },
      { name: 'targetCycleId', type: 'string (UUID)', required: true, meaning: 'the linked cycle' },
      { name: 'targetYear', type: 'integer', required: true, meaning: "the target's year" },
      { name: 'targetPeriod', type: 'string', required: true, meaning: "the target's period (`annual`, `triennial`...)" },
      { name: 'targetVersion', type: 'integer', required: true, meaning: "the target's stream version when linked" },
      { name: 'mode', type: 'string', required: true, meaning: '`automatic` or `command`' },
      { name: 'reason', type: 'string', required: false, meaning: 'by command: why, 1 to 4000 characters' },
      { name: 'previousTargetCycleId', type: 'string (UUID)', required: false, meaning: 'by command: the cycle the link named before' },
    ],
  },
  {
    type: 'CycleLinkedFrom',
    command: '(engine, after `CycleLinked`)',
    summary: 'Recorded on the target of a link, whatever its stage: a cycle of another type now links to this one.',
    data: [
      { name: 'linkId', type: 'string', required: true, meaning: "the link id in the source's definition" },
      { name: 'relation', type: 'string', required: true, meaning: 'the relation of the link' },
      { name: 'sourceType', type: 'string', required: true, meaning: 'the linking cycle type' },
      { name: 'sourceCycleId', type: 'string (UUID)', required: true, meaning: 'the linking cycle' },
      { name: 'sourceYear', type: 'integer', required: true, meaning: "the linking cycle's year" },
      { name: 'sourceVersion', type: 'integer', required: true, meaning: "the version of the linking cycle's `CycleLinked`" },
    ],
  },
  {
    type: 'CycleUnlinkedFrom',
    command: '(engine, after a relink)',
    summary: 'Recorded on the previous target when the linking cycle relinks to another cycle.',
    data: [
      { name: 'linkId', type: 'string', required: true, meaning: "the link id in the source's definition" },
      { name: 'sourceType', type: 'string', required: true, meaning: 'the linking cycle type' },
      { name: 'sourceCycleId', type: 'string (UUID)', required: true, meaning: 'the linking cycle' },
      { name: 'sourceYear', type: 'integer', required: true, meaning: "the linking cycle's year" },
      { name: 'sourceVersion', type: 'integer', required: true, meaning: "the version of the relinking `CycleLinked`" },
    ],
  },
  {
    type: 'LinkedEventRecorded',
    command: '(engine, after an event of the linked cycle)',
    summary:
      'An event of the linked cycle that a `later_of` deadline follows (the Consiglio approving the Preventivo economico, for the PIAO): the deadline is recomputed from its date; reminders follow.',
    data: [
      { name: 'linkId', type: 'string', required: true, meaning: 'the link it came through' },
      { name: 'targetCycleId', type: 'string (UUID)', required: true, meaning: 'the linked cycle' },
      { name: 'event', type: 'string', required: true, meaning: 'its event type' },
      { name: 'date', type: 'ISO date', required: true, meaning: "the act's own date (`fields.date`) when it carries one, else the day it was recorded" },
      { name: 'targetVersion', type: 'integer', required: true, meaning: "the event's version in the linked cycle's stream" },
    ],
  },
  {
    type: 'DeadlineRuleSwitched',
    command: 'switch_deadline_rule',
    summary:
      "The linked part of a switchable `later_of` deadline was turned on (the law postponed the term this year) or off, with the reason and the act's reference.",
    data: [
      { name: 'deadlineId', type: 'string', required: true, meaning: 'a `later_of` deadline with `switchable: true`' },
      { name: 'active', type: 'boolean', required: true, meaning: 'on or off' },
      { name: 'reason', type: 'string', required: true, meaning: 'trimmed, 1 to 4000 characters' },
      { name: 'reference', type: 'string', required: true, meaning: 'the act postponing the term, trimmed, 1 to 500 characters' },
    ],
  },
];

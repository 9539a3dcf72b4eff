/**
 * The events of the anticorruption risk register (libs/domain/src/plan/register), for the event
 * catalogue (docs/events.md). They go to the stream of a PTPCT or PIAO cycle, like the plan's.
 */
export interface CatalogueDataField {
  name: string;
  type: string;
  required: boolean;
  meaning: string;
}

export interface RegisterCatalogueEvent {
  type: string;
  command: string;
  roles: string;
  summary: string;
  data: CatalogueDataField[];
  /** The stream, when not the cycle's (the chamber's own rating method) */
  stream?: string;
}

const variation: CatalogueDataField = {
  name: 'variationId',
  type: 'string',
  required: false,
  meaning: 'the open variation the change belongs to (after adoption)',
};

export const REGISTER_CATALOGUE: readonly RegisterCatalogueEvent[] = [
  {
    type: 'RegisterItemAdded',
    command: 'add_register_item',
    roles: 'rpct, dirigente',
    summary:
      'A process (with its area and office), a risk event (with its factors) or a measure (with owner, phases, indicator and target) was added to the register.',
    data: [
      {
        name: 'item',
        type: 'object',
        required: true,
        meaning:
          'the item: `kind` (`process`, `risk`, `measure`), `code` and the fields of its kind (docs/anticorruption.md)',
      },
      variation,
    ],
  },
  {
    type: 'RegisterItemUpdated',
    command: 'update_register_item',
    roles: 'rpct, dirigente',
    summary: 'Fields of a register item changed (nothing is written when nothing changes).',
    data: [
      { name: 'kind', type: 'string', required: true, meaning: '`process`, `risk` or `measure`' },
      { name: 'code', type: 'string', required: true, meaning: 'the item code' },
      { name: 'set', type: 'object', required: true, meaning: 'fields set, with their new values' },
      { name: 'unset', type: 'string[]', required: true, meaning: 'optional fields removed' },
      variation,
    ],
  },
  {
    type: 'RegisterItemRemoved',
    command: 'remove_register_item',
    roles: 'rpct, dirigente',
    summary:
      'A register item was removed; a process takes its risks and assessment with it, a risk is unlinked from the measures treating it.',
    data: [
      { name: 'kind', type: 'string', required: true, meaning: '`process`, `risk` or `measure`' },
      { name: 'code', type: 'string', required: true, meaning: 'the item code' },
      {
        name: 'removed',
        type: 'object[]',
        required: true,
        meaning: '`{kind, code}` of the risks removed with a process',
      },
      variation,
    ],
  },
  {
    type: 'RiskAssessed',
    command: 'assess_risk',
    roles: 'rpct, dirigente',
    summary: "A process's exposure was assessed by the qualitative method (PNA 2019, Allegato 1).",
    data: [
      { name: 'processCode', type: 'string', required: true, meaning: 'the process' },
      {
        name: 'indicators',
        type: 'object',
        required: true,
        meaning: 'key risk indicator → `{level, reason}`, every indicator of the method',
      },
      {
        name: 'rating',
        type: 'string',
        required: true,
        meaning: 'the overall rating, a level of the method',
      },
      { name: 'motivation', type: 'text', required: true, meaning: 'why the overall rating' },
      {
        name: 'suggestedRating',
        type: 'string',
        required: true,
        meaning: 'the level most indicators have (ties: the higher), for reference',
      },
      {
        name: 'method',
        type: 'object',
        required: false,
        meaning:
          'the method the assessment was made under: `{source, version}`, `source` `pna2019` (version 0), `ente` (the version of the chamber\'s method) or `piano` (the stream version of the plan\'s own setting); absent on older events: the register\'s method then',
      },
      variation,
    ],
  },
  {
    type: 'RiskRatingMethodSet',
    command: 'set_rating_method',
    roles: 'rpct',
    summary:
      "The register's rating method: a method for this plan alone (`set_rating_method`), or the chamber's method in force, pinned by the first `assess_risk` under a new version of it (written before that `RiskAssessed`).",
    data: [
      {
        name: 'method',
        type: 'object',
        required: true,
        meaning: '`indicators` (`[{key, title}]`) and `levels` (lowest first)',
      },
      { name: 'reason', type: 'text', required: false, meaning: 'why' },
      {
        name: 'source',
        type: 'string',
        required: false,
        meaning: "`ente` when pinned from the chamber's method; absent: set on the plan",
      },
      {
        name: 'tenantVersion',
        type: 'integer',
        required: false,
        meaning: "with `source` `ente`: the version of the chamber's method",
      },
      variation,
    ],
  },
  {
    type: 'TenantRatingMethodSet',
    command: 'set_tenant_rating_method',
    roles: 'admin, rpct',
    stream: '<tenant>/rating-method',
    summary:
      "A new version of the chamber's rating method (`PUT /rating-method`; `POST /rating-method/reset` goes back to ANAC's, PNA 2019 Allegato 1). The version is the stream version; assessments check against the version in force and record it.",
    data: [
      {
        name: 'method',
        type: 'object',
        required: true,
        meaning: '`indicators` (`[{key, title}]`, 1 to 12) and `levels` (2 to 7, lowest first)',
      },
      { name: 'reason', type: 'text', required: true, meaning: 'why the chamber adopts it' },
      { name: 'default', type: 'boolean', required: false, meaning: "true when going back to ANAC's method" },
    ],
  },
  {
    type: 'MeasureMonitoringDatesSet',
    command: 'set_monitoring_dates',
    roles: 'rpct',
    summary: 'The dates at which the dirigenti report on the measures.',
    data: [
      { name: 'dates', type: 'date[]', required: true, meaning: 'sorted, without repetitions' },
      variation,
    ],
  },
  {
    type: 'MeasureReported',
    command: 'report_measure',
    roles: 'dirigente, po',
    summary:
      'A dirigente reported on a measure at a monitoring date (after adoption); a later report replaces an unchecked one.',
    data: [
      { name: 'measureCode', type: 'string', required: true, meaning: 'the measure' },
      { name: 'monitoringDate', type: 'date', required: true, meaning: 'a monitoring date of the plan' },
      {
        name: 'status',
        type: 'string',
        required: true,
        meaning: '`attuata`, `parzialmente_attuata` or `non_attuata`',
      },
      { name: 'evidence', type: 'text', required: true, meaning: 'acts, publications, figures' },
      { name: 'date', type: 'date', required: true, meaning: 'day of the report (not in the future)' },
      { name: 'note', type: 'text', required: false, meaning: 'note' },
    ],
  },
  {
    type: 'MeasureReportChecked',
    command: 'check_measure_report',
    roles: 'rpct',
    summary:
      'The RPCT checked a report: confirmed it or corrected the status. The report is closed from then on.',
    data: [
      { name: 'measureCode', type: 'string', required: true, meaning: 'the measure' },
      { name: 'monitoringDate', type: 'date', required: true, meaning: 'the monitoring date' },
      { name: 'outcome', type: 'string', required: true, meaning: '`confermato` or `rettificato`' },
      { name: 'status', type: 'string', required: true, meaning: 'the status after the check' },
      {
        name: 'reportedStatus',
        type: 'string',
        required: true,
        meaning: 'the status the dirigente reported',
      },
      { name: 'note', type: 'text', required: false, meaning: "the RPCT's note (required when rettificato)" },
    ],
  },
  {
    type: 'RpctReportFiguresSet',
    command: 'set_rpct_report_figures',
    roles: 'rpct',
    summary:
      "Figures of the RPCT's annual report that the register does not hold; the latest of a year counts.",
    data: [
      { name: 'year', type: 'integer', required: true, meaning: 'the year reported on' },
      {
        name: 'whistleblowingReports',
        type: 'integer',
        required: true,
        meaning: 'whistleblowing reports received in the year',
      },
      {
        name: 'training',
        type: 'text',
        required: false,
        meaning: 'the training given (what, to whom, hours)',
      },
      { name: 'note', type: 'text', required: false, meaning: 'note' },
    ],
  },
];

/**
 * The plan's events for the event catalogue (docs/events.md): one line each, with the command that
 * writes it and its data. Every type of `PLAN_EVENT_TYPES` has its line (a test checks it).
 */
import type { PlanEventType } from './model';

export interface PlanEventEntry {
  type: PlanEventType;
  /** The plan command, or what issues it */
  command: string;
  /** The data, in short */
  data: string;
  /** What happened */
  summary: string;
}

export const PLAN_EVENT_CATALOGUE: readonly PlanEventEntry[] = [
  { type: 'PlanNodeAdded', command: '`add_node`', data: '`node` (the whole node), `variationId`?', summary: 'a node of the tree added' },
  { type: 'PlanNodeUpdated', command: '`update_node`', data: '`code`, `kind`, `set`, `unset`, `variationId`?', summary: 'fields of a node changed' },
  { type: 'PlanNodeMoved', command: '`move_node`', data: '`code`, `kind`, `fromParentCode`, `toParentCode`, `variationId`?', summary: 'a node moved under another parent' },
  { type: 'PlanNodeRemoved', command: '`remove_node`', data: '`code`, `kind`, `removed` (the nodes below), `variationId`?', summary: 'a node (and those below it) removed' },
  { type: 'IndicatorTargetsSet', command: '`set_targets`', data: '`indicatorCode`, `targets` (the full list), `variationId`?', summary: "an indicator's targets set" },
  { type: 'IndicatorWeightsSet', command: '`set_weights`', data: '`objectiveCode`, `weights`, `variationId`?', summary: "the weights of an objective's indicators set" },
  { type: 'MeasurementRecorded', command: '`record_measurement`', data: '`indicatorCode`, `period`, `value`, `date`, `source`?, `note`?, `attachmentHash`?', summary: 'a measurement recorded' },
  { type: 'MeasurementCorrected', command: '`correct_measurement`', data: 'as `MeasurementRecorded`, with `reason` and `previousValue`', summary: 'a measurement corrected (the earlier one stays)' },
  { type: 'MeasurementYearClosed', command: '`close_measurement_year`', data: '`year`, `reason`?', summary: "a year's measurements closed" },
  {
    type: 'MeasurementPeriodOpened',
    command: "a linked monitoring's link (docs/links.md)",
    data: '`period`, `year`, `monitoringCycleId`',
    summary: 'a Monitoraggio intermedio opened the period it measures',
  },
  {
    type: 'MeasurementPeriodClosed',
    command: "the monitoring's `close_measurements`",
    data: '`period`, `year`, `monitoringCycleId`',
    summary: "the monitoring closed its collection: the period's measurements are refused",
  },
  { type: 'MeasurementPeriodReopened', command: "the monitoring's `reopen_measurements`", data: '`period`, `year`, `monitoringCycleId`', summary: 'the monitoring reopened its collection' },
  {
    type: 'PlanVariationOpened',
    command: "`open_variation`, or the monitoring's `start_variation`",
    data: '`variationId`, `number`, `reason`, `monitoringCycleId`?',
    summary: 'a variation of the adopted tree opened',
  },
  {
    type: 'PlanVariationApproved',
    command: "`approve_variation`, or the monitoring's `record_giunta_deliberation`",
    data: '`variationId`, `number`, `kind: deliberation`, `organ: giunta`, `fields` (`number`, `date`, `actHash`), `monitoringCycleId`?',
    summary: "the Giunta's deliberation approved the variation",
  },
  {
    type: 'PlanVariationWithdrawn',
    command: '`withdraw_variation`, or cancelling the monitoring that opened it',
    data: '`variationId`, `number`, `reason`',
    summary: 'the variation withdrawn: the tree returns to where it started',
  },
  {
    type: 'NarrativeSectionWritten',
    command: '`write_narrative`',
    data: '`section`, `text` (Markdown; empty clears it)',
    summary: 'a narrative section of the PIAO or of the Relazione written',
  },
  { type: 'PlanScoringRulesSet', command: '`set_scoring_rules`', data: '`rules`, `weightTolerance`?, `reason`?', summary: 'the SMVP scoring rules of the plan set' },
];

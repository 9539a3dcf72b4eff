// Plan content of a cycle (performance tree, measurements, variations) and the process catalogue.
export * from './model';
export { FieldReader, validateNode, validateTargets, isIndicatorValue, CODE_RE } from './fields';
export { applyPlanEvent, changesPlanContent, foldPlan, evolvePlan, nodeJson } from './evolve';
export {
  classifyPlanEvent,
  deliberationOf,
  planEvent,
  planEventSchemaVersion,
  upcastPlanEvent,
  PLAN_EVENT_SCHEMA_VERSIONS,
  type DeliberationData,
  type MeasurementData,
  type MonitoringPeriodData,
  type PlanEvent,
  type PlanEventData,
} from './events';
export { planYears, toPlanTree, planSubmissionProblems, descendantsOf, type SubmissionCheckOptions } from './tree';
export { decidePlan, editability, narrativeEditability, planIncomplete, planParseContext, PLAN_ROLES } from './decide';
export { parsePlanCommand, type PlanParseContext } from './parse';
export type { FieldChanges, ParsedContentCommand, ParsedMeasurement, ParsedMeasurementCommand, ParsedPlanCommand, ParsedTreeCommand, ParsedVariationCommand } from './commands';
export { diffPlanNodes, type PlanDiff, type PlanNodeChange, type PlanFieldChange } from './diff';
export * from './view';
export * from './catalogue';
export * from './register';
export { planLink, monitoredPeriod, periodOpening, linkedPlanStep, stepNeedsTarget, variationBlock, type LinkedPlanStep } from './linked';
export { PLAN_EVENT_CATALOGUE, type PlanEventEntry } from './event-catalogue';

// The anticorruption risk register (PTPCT, PIAO section 2.3), part of a cycle's plan content.
export * from './model';
export { validateItem, validateMethod, suggestedRating, itemFields } from './fields';
export { decideRegister, dependentsOf, REGISTER_COMMAND_ROLES, REGISTER_ROLES } from './decide';
export { parseRegisterCommand, type RegisterParseContext } from './parse';
export type { ParsedRegisterCommand } from './commands';
export { applyRegisterEvent } from './evolve';
export { classifyRegisterEvent, REGISTER_EVENT_SCHEMA_VERSIONS, type RegisterEvent, type RegisterEventData, type RegisterItemRef } from './events';
export { registerSubmissionProblems } from './checks';
export * from './view';
export {
  measureDeadlines,
  isMeasureDeadlineId,
  MEASURE_DEADLINE_PREFIX,
  type MeasureDeadline,
} from './deadlines';
export { rpctAnnualReport, type RpctReportRow } from './rpct-report';
export {
  ratingMethodStream,
  RATING_METHOD_ROLES,
  TENANT_RATING_METHOD_EVENT_TYPES,
  initialTenantRatingMethodState,
  currentTenantMethod,
  decideTenantRatingMethod,
  applyTenantRatingMethodEvent,
  foldTenantRatingMethod,
  type TenantRatingMethod,
  type TenantRatingMethodState,
  type TenantRatingMethodCommand,
} from './tenant-method';

export { PlanModule } from './plan.module';
export { PlanRepository, foldRecorded, type FoldedCycle } from './plan-repository';
export { ExecutePlanCommands, ExecutePlanCommandsHandler, type PlanCommandOutcome, type PlanCommandsResult } from './execute-plan-commands.handler';
export { CatalogueRepository, ExecuteCatalogueCommands, ExecuteCatalogueCommandsHandler, type CatalogueCommandsResult } from './catalogue';
export { PlanQueries, parsePlanRef, type PlanRef, type PlanResponse, type PlanViewQuery, type LinkedPlanResponse, type LinkedPlanDifference } from './plan-queries';
export { PlanImporter, detectFormat, formatImportReport, type ImportReport, type ImportOptions, type ImportRefusal, type ImporterDeps, type ImportFormat } from './importer';
export { readCsv, writeCsv, planSheet, sheetLayout, parseTarget, parseItalianNumber, parseItalianDate } from './spreadsheet';
export { readXlsx, writeXlsx, type Cell } from './xlsx';
export { createPlanRuntime, type PlanRuntime } from './runtime';

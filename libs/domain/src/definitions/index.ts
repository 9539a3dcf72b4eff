// Public API of cycle definitions: types, validation, YAML parsing, helpers for the decider.
export * from './types';
export { IMPLIED_FIELDS, RESERVED_COMMANDS, RESERVED_EVENTS, commandFields } from './implied-fields';
export { cycleDefinitionSchema, crossCheck, CYCLE_OPENED_EVENT } from './schema';
export type { CrossCheckIssue } from './schema';
export { DefinitionError, parseCycleDefinition, validateCycleDefinition, formatPath } from './parse';
export { findTransition, outgoingTransitions, reachableStages, stagesReachingTerminal } from './graph';
export { mermaidDiagram } from './mermaid';
export { CONTROL_KINDS, DEFAULT_INDEPENDENCE, describeRule, transitionRules } from './rules';
export { validateDefinitionSet, linkFits, periodLastYear } from './links';

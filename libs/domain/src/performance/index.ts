// Public surface of the performance module: the performance tree, its validation, measurements,
// achievement scoring with per-tenant SMVP rules, and the in-year variance analysis.
export * from './periods';
export * from './tree';
export * from './validation';
export * from './smvp-rules';
export * from './measurements';
export * from './achievement';
export * from './variance';

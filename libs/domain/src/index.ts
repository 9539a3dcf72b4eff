// Public surface of the pure domain core. Nothing here performs I/O or imports another lib.
export * from './definitions';
export * from './calendar';
export * from './cycle';
export * from './performance';
export * from './plan';
export * from './reminders';
export * from './diff';
export * from './transparency';

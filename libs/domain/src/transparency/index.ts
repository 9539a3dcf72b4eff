export * from './model';
export * from './events';
export * from './grid';
export * from './status';
export * from './attestation';

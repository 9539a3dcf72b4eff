export * from './grid';
export * from './status';
export * from './attestation';

export * from './types';
export * from './errors';
export { type EventStore, tenantOfStream, validateAppend, validateStreamQuery } from './event-store';
export { canonicalJson, contentHash, sha256Hex } from './canonical';
export { PostgresEventStore, type PostgresEventStoreOptions } from './postgres/postgres-event-store';
export { runSqlMigrations, ensureDatabase } from './postgres/migrate';
export { EVENT_STORE_MIGRATIONS, type SqlMigration } from './postgres/schema';
export { parseCheckpoint, serializeCheckpoint, type PgCheckpoint } from './postgres/rows';
export { checkpointedBatch, type CheckpointStatements } from './postgres/batch-transaction';
export { startSealer, verifyChain, SEAL_SUBSCRIPTION } from './postgres/chain';
export { sharedSqlPool } from './postgres/shared-pool';
export { advanceTransactionIds, hasEventLog, logHead, renumberTransactions } from './postgres/restore';
// The KurrentDB adapter's client (gRPC and the protocol's generated code, about 8 MB of heap and
// 25 MB resident) is loaded only by a process configured for it: see openKurrentDbEventStore.
export { compareKurrentCheckpoints, parseKurrentCheckpoint, serializeKurrentCheckpoint } from './kurrentdb/mapping';
export type { KurrentDbEventStore, KurrentDbEventStoreOptions } from './kurrentdb/kurrentdb-event-store';
export { openKurrentDbEventStore } from './kurrentdb/open';
export {
  anchorMessage,
  checkAnchorSignature,
  encodeAnchorToken,
  keyFingerprint,
  loadAnchorPublicKey,
  loadAnchorSigningKey,
  parseSignedAnchor,
  signAnchor,
  trustedAnchorKeys,
  type AnchorCheck,
  type AnchorFacts,
  type SignedAnchor,
} from './anchor-signature';

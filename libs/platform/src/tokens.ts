/** Injection tokens of the infrastructure providers. */
export const SETTINGS = Symbol('SETTINGS');
export const EVENT_STORE = Symbol('EVENT_STORE');
export const REDIS = Symbol('REDIS');
/** PostgreSQL pool for read models and documents (the event store's own pool with the PostgreSQL adapter). */
export const PG_POOL = Symbol('PG_POOL');
/** The app's root pino logger (what Nest's `Logger` writes to, and the access lines). */
export const LOGGER = Symbol('LOGGER');

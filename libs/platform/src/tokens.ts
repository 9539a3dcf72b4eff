/** Injection tokens of the infrastructure providers. */
export const SETTINGS = Symbol('SETTINGS');
export const EVENT_STORE = Symbol('EVENT_STORE');
export const REDIS = Symbol('REDIS');

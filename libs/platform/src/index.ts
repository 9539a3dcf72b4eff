export { PlatformModule, createEventStore, createRedis, correlationIdOf } from './platform.module';
export { HealthService, type HealthReport, type ComponentStatus, type HealthContributor } from './health.service';
export { SETTINGS, EVENT_STORE, REDIS, PG_POOL } from './tokens';

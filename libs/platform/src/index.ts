export { PlatformModule, createEventStore, createRedis, correlationIdOf, httpLogOptions } from './platform.module';
export { HealthService, type HealthReport, type ReadinessReport, type ComponentStatus, type HealthContributor } from './health.service';
export * from './heartbeat';
export { SETTINGS, EVENT_STORE, REDIS, PG_POOL } from './tokens';
export { prettyLogs, logTransport, limitShutdown } from './process';

export { PlatformModule, createEventStore, createRedis, loggerOptions } from './platform.module';
export { accessLogSerializers, correlationIdOf, requestLog } from './http-log';
export { HealthService, type HealthReport, type ReadinessReport, type ComponentStatus, type HealthContributor } from './health.service';
export * from './heartbeat';
export { SETTINGS, LOGGER, EVENT_STORE, REDIS, PG_POOL } from './tokens';
export { prettyLogs, logTransport, limitShutdown, limitHeapGrowth } from './process';
export { deferModules, deferrableModuleFiles } from './deferred-modules';

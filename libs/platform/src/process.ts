import { setFlagsFromString } from 'node:v8';
import type { Settings } from '@ciclo/config';

/**
 * Log lines for people or for machines: `LOG_FORMAT=pretty` (pino-pretty: time, level, process,
 * message on one line), `json` (one JSON object per line, for a log collector), or `auto` (the
 * default): pretty when standard output is a terminal (`npm start`), JSON otherwise (containers,
 * files, pipes).
 */
export function prettyLogs(settings: Pick<Settings, 'LOG_FORMAT'>, stdoutIsTty = Boolean(process.stdout.isTTY)): boolean {
  return settings.LOG_FORMAT === 'pretty' || (settings.LOG_FORMAT === 'auto' && stdoutIsTty);
}

/** The pino transport for readable lines, or undefined for JSON. */
export function logTransport(settings: Pick<Settings, 'LOG_FORMAT'>, stdoutIsTty?: boolean) {
  if (!prettyLogs(settings, stdoutIsTty)) return undefined;
  return {
    target: 'pino-pretty',
    options: {
      colorize: true,
      translateTime: 'SYS:HH:MM:ss',
      // An access line reads `request completed: GET /cycles 200 (12 ms)`.
      messageFormat: '{if app}[{app}] {end}{if context}{context}: {end}{msg}{if req.method}: {req.method} {req.url} {res.statusCode} ({responseTime} ms){end}',
      ignore: 'pid,hostname,app,context,req,res,responseTime,correlationId',
      singleLine: true,
    },
  };
}

/** Nest's start-up chatter (one line per module and route): kept in JSON logs, left out of readable ones. */
const BOOTSTRAP_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer']);

/** A pino `logMethod` hook for readable logs: drops Nest's per-module and per-route lines at info level. */
export function quietBootstrap(this: unknown, args: unknown[], method: (...a: unknown[]) => void, level: number): void {
  const first = args[0] as { context?: unknown } | null | undefined;
  if (level <= 30 && first && typeof first === 'object' && BOOTSTRAP_CONTEXTS.has(String(first.context))) return;
  method.apply(this, args);
}

/**
 * `SHUTDOWN_TIMEOUT_MS`: after SIGTERM or SIGINT the process finishes what is in flight (HTTP
 * requests, the projector batch, active reminder jobs) and closes its connections; when that takes
 * longer than the grace period it exits with code 1. 0: wait as long as it takes.
 */
export function limitShutdown(settings: Pick<Settings, 'SHUTDOWN_TIMEOUT_MS'>, warn: (message: string) => void): void {
  if (settings.SHUTDOWN_TIMEOUT_MS === 0) return;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => {
        warn(`Shutdown did not finish within SHUTDOWN_TIMEOUT_MS=${settings.SHUTDOWN_TIMEOUT_MS} ms: exiting`);
        process.exit(1);
      }, settings.SHUTDOWN_TIMEOUT_MS).unref();
    });
  }
}

/**
 * `HEAP_GROWTH_PERCENT`: lets V8's old generation grow to (1 + percent/100) times the heap still
 * live after a major collection, instead of the up to four times it allows while collections are
 * cheap. Both processes promote short-lived objects (requests in flight at a scavenge, batches of
 * events waiting on their round trips) that then die in the old generation; with V8's own factor
 * their resident memory settled at three to four times their live heap (docs/performance.md,
 * "Memory"). 0 leaves V8's factor. V8 reads it at each collection, so setting it at start-up takes
 * effect.
 */
export function limitHeapGrowth(settings: Pick<Settings, 'HEAP_GROWTH_PERCENT'>): void {
  if (settings.HEAP_GROWTH_PERCENT > 0) setFlagsFromString(`--heap-growing-percent=${settings.HEAP_GROWTH_PERCENT}`);
}

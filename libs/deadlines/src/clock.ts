/** The scheduler's and the reminder jobs' only source of "now": tests and benchmarks inject their own. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that starts at `start` and runs at real speed (tests, benchmarks). `set()` jumps. */
export class OffsetClock implements Clock {
  private offsetMs: number;
  constructor(start: Date | string) {
    this.offsetMs = new Date(start).getTime() - Date.now();
  }
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  set(at: Date | string): void {
    this.offsetMs = new Date(at).getTime() - Date.now();
  }
}

export interface DeadlinesLog {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentLog: DeadlinesLog = { log: () => undefined, warn: () => undefined, error: () => undefined };

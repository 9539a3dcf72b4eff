import type { ExpectedVersion } from './types';

/** The stream's version did not match the expected version: nothing was written. */
export class WrongExpectedVersion extends Error {
  readonly code = 'WRONG_EXPECTED_VERSION';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    /** The stream's actual version (0 when it does not exist). */
    readonly actualVersion: number,
    readonly streamExists: boolean,
  ) {
    super(
      `Stream ${streamId}: expected version ${String(expected)}, actual ${streamExists ? actualVersion : 'no stream'}`,
    );
    this.name = 'WrongExpectedVersion';
  }
}

/** An event id already stored with other content (or on another stream): nothing was written. */
export class EventIdConflict extends Error {
  readonly code = 'EVENT_ID_CONFLICT';
  constructor(readonly eventIds: string[]) {
    super(`Event id(s) already stored with different content: ${eventIds.join(', ')}`);
    this.name = 'EventIdConflict';
  }
}

/** The append request is malformed (bad stream name, metadata, tenant mismatch...). */
export class InvalidAppend extends Error {
  readonly code = 'INVALID_APPEND';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidAppend';
  }
}

/** The adapter in use does not offer this capability (e.g. the audit seal chain on KurrentDB). */
export class CapabilityNotSupported extends Error {
  readonly code = 'STORE_CAPABILITY_NOT_SUPPORTED';
  constructor(
    readonly capability: string,
    readonly adapter: string,
  ) {
    super(`The ${adapter} event store does not support "${capability}"`);
    this.name = 'CapabilityNotSupported';
  }
}

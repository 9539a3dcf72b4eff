import { ConcurrentChange } from '@ciclo/commands';
import type { CycleCommand, Role } from '@ciclo/domain';
import type { Actor } from '@ciclo/identity';
import type { IdempotentRequest } from './idempotency';

/** Runs one command against one cycle: load, fold, decide, append (retried once on a concurrent write). */
export class ExecuteCycleCommand {
  constructor(
    readonly actor: Actor,
    readonly cycleId: string,
    readonly command: CycleCommand,
    readonly options: {
      actingRole?: Role;
      /** For `open`: the cycle type. */
      cycleType?: string;
      correlationId: string;
      idempotencyKey?: string | null;
      /**
       * The HTTP request the key belongs to (method, path, body hash): with it the key is scoped to
       * the actor, method and path, and reusing it with another body is refused. Without it (the
       * command line's own deterministic keys) the key is scoped to the cycle and command.
       */
      request?: IdempotentRequest;
      /** The clock (default now); the demo seed pins it to lay out a past year's cycle. */
      now?: Date;
    },
  ) {}
}

export interface CommandResult {
  /** Cycle id (UUID) */
  cycleId: string;
  /** The stream version after the command. */
  version: number;
  /** Global position of the last event: pass it as `minPosition` to read your own write. */
  position: number;
  /** The events written, with their stream version and global position */
  events: {
    /** Event type */
    type: string;
    /** Stream version of the event */
    version: number;
    /** Global position of the event */
    position: number;
  }[];
  /** Stage after the command */
  stage: string;
  /** True when the request repeated an earlier one (same Idempotency-Key): nothing new was written. */
  replayed: boolean;
}

/** A concurrent write changed the cycle and the retry was refused or conflicted again. */
export class ConcurrentModification extends ConcurrentChange {
  constructor(readonly cycleId: string, actualVersion: number) {
    super(
      cycleId,
      actualVersion,
      `Cycle ${cycleId} was changed concurrently (now at version ${actualVersion}); reload and retry`,
      'Il ciclo è stato modificato nel frattempo: ricaricare e riprovare',
    );
    this.name = 'ConcurrentModification';
  }
}

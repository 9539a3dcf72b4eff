import { HttpException, HttpStatus } from '@nestjs/common';
import type { ProjectionRunner } from '@ciclo/projections';
import { z } from 'zod';

export const minPositionParam = z.coerce
  .number()
  .int()
  .min(0)
  .optional()
  .describe('Global position returned by a command: the answer waits (up to 2 s) until the read model includes it');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Read-your-writes: waits until `projector` has applied the event at `position`, polling for at
 * most `timeoutMs`; otherwise answers 503 with Retry-After.
 */
export async function awaitProjection(runner: ProjectionRunner, projector: string, position: number | undefined, timeoutMs = 2000): Promise<void> {
  if (!position) return;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await runner.covers(projector, position)) return;
    if (Date.now() >= deadline) break;
    await sleep(25);
  }
  throw new HttpException(
    {
      code: 'PROJECTION_BEHIND',
      message: `The ${projector} read model has not reached position ${position} yet; retry shortly`,
      messageIt: 'I dati non sono ancora aggiornati: riprovare tra poco',
    },
    HttpStatus.SERVICE_UNAVAILABLE,
  );
}

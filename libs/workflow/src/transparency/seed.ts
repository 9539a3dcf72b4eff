import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TransparencyCommand } from '@ciclo/domain';
import type { EventStore } from '@ciclo/event-store';
import type { Actor } from '@ciclo/identity';
import { ExecuteTransparencyCommands, ExecuteTransparencyCommandsHandler, TransparencyRepository } from './transparency';

export interface TransparencySeedResult {
  /** Obligations added by this run */
  obligations: number;
  /** Office assignments written by this run */
  assignments: number;
  /** Commands refused (reported, the others written) */
  refused: { index: number; code?: string; message?: string }[];
}

/**
 * Loads the grid's structure (seeds/trasparenza/obblighi.json) and, when given, a tenant's
 * responsible offices (seeds/trasparenza/uffici-demo.json) through the grid's commands. Each batch
 * carries a fixed idempotency key: a second run writes nothing.
 */
export async function loadTransparencySeed(store: EventStore, seedsDir: string, actor: Actor, options: { offices?: boolean; correlationId: string }): Promise<TransparencySeedResult> {
  const handler = new ExecuteTransparencyCommandsHandler(new TransparencyRepository(store));
  const read = (file: string) => JSON.parse(readFileSync(resolve(seedsDir, 'trasparenza', file), 'utf8')) as Record<string, unknown>;
  const obligations = (read('obblighi.json').obligations as unknown[]).map((o): TransparencyCommand => ({ type: 'add_obligation', obligation: o }));
  const a = await handler.execute(new ExecuteTransparencyCommands(actor, obligations, { correlationId: options.correlationId, idempotencyKey: 'seed:transparency:obligations:v1' }));
  const refused = a.outcomes.filter((o) => o.status === 'refused' && o.code !== 'TRANSPARENCY_OBLIGATION_EXISTS');
  let assignments = 0;
  if (options.offices) {
    const rows = read('uffici-demo.json').assignments as { obligationId: string; producerOffice: string; publisherOffice: string }[];
    const b = await handler.execute(
      new ExecuteTransparencyCommands(actor, rows.map((r) => ({ type: 'assign_offices', ...r })), { correlationId: options.correlationId, idempotencyKey: 'seed:transparency:offices:v1' }),
    );
    assignments = b.written;
    refused.push(...b.outcomes.filter((o) => o.status === 'refused' && o.code !== 'TRANSPARENCY_OFFICES_UNCHANGED'));
  }
  return { obligations: a.written, assignments, refused };
}

/**
 * The demo chamber's cycles linked to its PIAO 2022-2024 (docs/links.md): the Monitoraggio
 * intermedio 2022, which opened and closed the PIAO's first-semester measurement period and sent its
 * results to the OIV and the Giunta, and the Relazione sulla performance 2022 in draft, reading the
 * PIAO's achievement. Deterministic ids and idempotency keys: a second run writes nothing.
 */
import { createHash } from 'node:crypto';
import { sharedSqlPool, type EventStore } from '@ciclo/event-store';
import type { Actor } from '@ciclo/identity';
import { DocumentStore, eventIdsFor, ExecuteCycleCommand, type PlanRuntime } from '@ciclo/workflow';

const REPORT = Buffer.from(
  [
    '%PDF-1.4',
    '% Documento di monitoraggio intermedio 2022 (dimostrativo): stato di avanzamento degli obiettivi al 30 giugno 2022.',
    '%%EOF',
  ].join('\n'),
);

export interface DemoCyclesResult {
  written: number;
  lines: string[];
  monitoringCycleId: string;
  relazioneCycleId: string;
}

export async function seedDemoLinkedCycles(store: EventStore, runtime: PlanRuntime, tenant: string, year: number, as: (role: string) => Actor): Promise<DemoCyclesResult> {
  let written = 0;
  const lines: string[] = [];
  const run = async (actor: Actor, cycleId: string, key: string, command: ConstructorParameters<typeof ExecuteCycleCommand>[2], cycleType?: string) => {
    const r = await runtime.cycles.execute(new ExecuteCycleCommand(actor, cycleId, command, { correlationId: 'seed-demo', idempotencyKey: key, ...(cycleType ? { cycleType } : {}) }));
    if (!r.replayed) written += r.events.length;
    return r;
  };
  const idOf = (key: string) => eventIdsFor(1, { tenant, key, scope: 'open-cycle' })[0];

  // The monitoring of 2022: linked to the PIAO 2022-2024 when opened, which opens the period 2022-S1 on it.
  const monitoring = idOf(`demo:monitoraggio:${year}`);
  const before = written;
  await run(as('po'), monitoring, `demo:monitoraggio:${year}`, { type: 'open', cycleId: monitoring, year }, 'monitoraggio_intermedio');
  await run(as('po'), monitoring, 'demo:monitoraggio:close', { type: 'transition', command: 'close_measurements', fields: {} });
  await run(as('segretario_generale'), monitoring, 'demo:monitoraggio:approve', { type: 'transition', command: 'approve', fields: {} });
  // The report's bytes, for its download (the event records name, type, size and hash).
  const pool = sharedSqlPool(store);
  if (pool) await new DocumentStore(pool).put(REPORT, 'application/pdf');
  await run(as('po'), monitoring, 'demo:monitoraggio:report', {
    type: 'attach',
    documentId: eventIdsFor(1, { tenant, key: 'demo:monitoraggio:report', scope: 'document' })[0],
    name: `Monitoraggio intermedio ${year}.pdf`,
    mediaType: 'application/pdf',
    size: REPORT.length,
    sha256: createHash('sha256').update(REPORT).digest('hex'),
  });
  await run(as('po'), monitoring, 'demo:monitoraggio:send', { type: 'transition', command: 'send_report', fields: { sentOn: `${year}-07-29` } });
  lines.push(`Monitoraggio intermedio ${year}: cycle ${monitoring} ${written > before ? 'loaded' : 'already loaded'} (period ${year}-S1 of the PIAO opened and closed; results sent to the OIV and the Giunta)`);

  // The Relazione sulla performance of the same year, in draft, linked to the PIAO it reports on.
  const relazione = idOf(`demo:relazione:${year}`);
  const mark = written;
  await run(as('po'), relazione, `demo:relazione:${year}`, { type: 'open', cycleId: relazione, year }, 'relazione_performance');
  lines.push(`Relazione sulla performance ${year}: cycle ${relazione} ${written > mark ? 'opened' : 'already open'} (draft, reading the PIAO's achievement)`);
  return { written, lines, monitoringCycleId: monitoring, relazioneCycleId: relazione };
}

/**
 * The demo chamber's PTPCT 2021-2023 with its risk register (seed-demo-register-data.ts): drafted by
 * the RPCT, adopted by the Giunta by 31 January, published and sent to ANAC, then monitored at 30
 * June and 15 December by the dirigenti with the RPCT's checks (one measure late: no June report and
 * its phase past due), and the RPCT's own figures for the annual report 2021. The clock is pinned to
 * the dates of the year; every write has a deterministic key, so a second run writes nothing.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_RATING_METHOD, type CycleCommand, type PlanCommand } from '@ciclo/domain';
import { sharedSqlPool, type EventStore } from '@ciclo/event-store';
import type { Actor } from '@ciclo/identity';
import { DocumentStore, eventIdsFor, ExecuteCycleCommand, ExecutePlanCommands, type PlanRuntime } from '@ciclo/workflow';
import { DEMO_CHECKS, DEMO_FIGURES, DEMO_MEASURES, DEMO_MONITORING_DATES, DEMO_PROCESSES, DEMO_REPORTS } from './seed-demo-register-data';

export const DEMO_PTPCT_YEAR = 2021;

const ACT = Buffer.from(
  ['%PDF-1.4', '% Piano triennale di prevenzione della corruzione e della trasparenza 2021-2023 (dimostrativo).', '%%EOF'].join('\n'),
);

interface Mapped {
  catalogueCode?: string | null;
  catalogueTitle?: string | null;
  title: string;
  area?: string | null;
  office?: string | null;
  code: string;
}

/** The processes of the register with the title, area and office of the curated mapping (seed 002). */
function processItems(seedsDir: string): Record<string, unknown>[] {
  const mapping = JSON.parse(readFileSync(resolve(seedsDir, 'catalogue/processi-anticorruzione.json'), 'utf8')) as { mappatura: Mapped[] };
  return DEMO_PROCESSES.map((p) => {
    const rows = mapping.mappatura.filter((m) => m.catalogueCode === p.code);
    if (!rows.length) throw new Error(`process ${p.code} is not in the curated mapping`);
    const area = rows.find((m) => m.area)?.area;
    const office = rows.find((m) => m.office)?.office;
    return {
      kind: 'process',
      code: p.code,
      title: rows[0].catalogueTitle || rows[0].title,
      ...(area ? { area } : {}),
      ...(office ? { office } : {}),
      note: `Mappatura 2019: ${rows.map((m) => `${m.code} ${m.title}`).join('; ')}`,
    };
  });
}

/** The register's content commands: processes, risks, assessments, measures, monitoring dates. */
function contentCommands(seedsDir: string): PlanCommand[] {
  const out: PlanCommand[] = processItems(seedsDir).map((item) => ({ type: 'add_register_item', item }));
  for (const p of DEMO_PROCESSES)
    p.risks.forEach((r, i) =>
      out.push({ type: 'add_register_item', item: { kind: 'risk', code: `${p.code}-R${i + 1}`, processCode: p.code, description: r.description, factors: r.factors } }),
    );
  for (const p of DEMO_PROCESSES)
    out.push({
      type: 'assess_risk',
      processCode: p.code,
      indicators: Object.fromEntries(DEFAULT_RATING_METHOD.indicators.map((ind, i) => [ind.key, { level: p.indicators[i][0], reason: p.indicators[i][1] }])),
      rating: p.rating,
      motivation: p.motivation,
    });
  for (const m of DEMO_MEASURES) out.push({ type: 'add_register_item', item: { kind: 'measure', ...m } });
  out.push({ type: 'set_monitoring_dates', dates: DEMO_MONITORING_DATES });
  return out;
}

export async function seedDemoRegister(
  store: EventStore,
  runtime: PlanRuntime,
  seedsDir: string,
  tenant: string,
  chamberName: string,
  as: (role: string) => Actor,
): Promise<{ written: number; lines: string[]; cycleId: string }> {
  let written = 0;
  const year = DEMO_PTPCT_YEAR;
  const cycleId = eventIdsFor(1, { tenant, key: `demo:ptpct:${year}`, scope: 'open-cycle' })[0];
  const at = (day: string) => new Date(`${day}T09:00:00Z`);
  const cycle = async (role: string, key: string, command: CycleCommand, day: string) => {
    const r = await runtime.cycles.execute(
      new ExecuteCycleCommand(as(role), cycleId, command, { correlationId: 'seed-demo', idempotencyKey: key, now: at(day), ...(command.type === 'open' ? { cycleType: 'ptpct' } : {}) }),
    );
    if (!r.replayed) written += r.events.length;
  };
  const plan = async (role: string, key: string, commands: PlanCommand[], day: string) => {
    const r = await runtime.plans.execute(new ExecutePlanCommands(as(role), cycleId, commands, { correlationId: 'seed-demo', idempotencyKey: key, atomic: true, now: at(day) }));
    if (!r.replayed) written += r.events.length;
  };

  const first = written;
  await cycle('rpct', `demo:ptpct:${year}`, { type: 'open', cycleId, year, title: `PTPCT ${year}-${year + 2} - ${chamberName}` }, '2021-01-11');
  await plan('rpct', 'demo:registro:contenuto:v1', contentCommands(seedsDir), '2021-01-12');
  await cycle('rpct', 'demo:ptpct:submit', { type: 'transition', command: 'submit', fields: { note: 'Proposta del RPCT con il registro dei rischi aggiornato' } }, '2021-01-20');
  await cycle(
    'segreteria_organi',
    'demo:ptpct:adozione',
    { type: 'transition', command: 'record_giunta_deliberation', fields: { number: '9/2021', date: '2021-01-28', actHash: createHash('sha256').update(ACT).digest('hex') } },
    '2021-01-28',
  );
  // The act's bytes, for its download; then its publication and the entry on ANAC's platform.
  const pool = sharedSqlPool(store);
  if (pool) await new DocumentStore(pool).put(ACT, 'application/pdf');
  await cycle(
    'po',
    'demo:ptpct:atto',
    { type: 'attach', documentId: eventIdsFor(1, { tenant, key: 'demo:ptpct:atto', scope: 'document' })[0], name: `PTPCT ${year}-${year + 2}.pdf`, mediaType: 'application/pdf', size: ACT.length, sha256: createHash('sha256').update(ACT).digest('hex') },
    '2021-01-29',
  );
  await cycle('po', 'demo:ptpct:publish', { type: 'transition', command: 'publish', fields: { channel: 'amministrazione_trasparente', url: 'https://www.example.org/amministrazione-trasparente/ptpct-2021-2023.pdf', date: '2021-02-03' } }, '2021-02-03');
  await cycle('rpct', 'demo:ptpct:anac', { type: 'transition', command: 'transmit_anac', fields: { recipient: 'anac', protocol: 'PTPCT-2021-0042', date: '2021-02-10' } }, '2021-02-10');
  const opened = written > first;

  const monitored = written;
  const reportDay: Record<string, string> = { '2021-06-30': '2021-07-08', '2021-12-15': '2021-12-20' };
  const checkDay: Record<string, string> = { '2021-06-30': '2021-07-20', '2021-12-15': '2022-01-10' };
  for (const date of DEMO_MONITORING_DATES) {
    const reports: PlanCommand[] = DEMO_REPORTS[date].map(([measureCode, status, evidence]) => ({ type: 'report_measure', measureCode, monitoringDate: date, status, evidence, date: reportDay[date] }));
    await plan('dirigente', `demo:registro:rendicontazione:${date}`, reports, reportDay[date]);
    const checks: PlanCommand[] = DEMO_CHECKS[date].map(([measureCode, outcome, status, note]) => ({
      type: 'check_measure_report',
      measureCode,
      monitoringDate: date,
      outcome,
      ...(status ? { status } : {}),
      ...(note ? { note } : {}),
    }));
    await plan('rpct', `demo:registro:verifica:${date}`, checks, checkDay[date]);
  }
  await plan('rpct', 'demo:registro:relazione:2021', [{ type: 'set_rpct_report_figures', ...DEMO_FIGURES }], '2022-01-20');

  const lines = [
    `PTPCT ${year}-${year + 2}: cycle ${cycleId} ${opened ? 'loaded' : 'already loaded'} (${DEMO_PROCESSES.length} processes, ${DEMO_MEASURES.length} measures; adopted, published, sent to ANAC)`,
    `Risk register monitoring ${year}: ${written > monitored ? 'reports at 30 June and 15 December recorded, one measure late' : 'already recorded'}`,
  ];
  return { written, lines, cycleId };
}

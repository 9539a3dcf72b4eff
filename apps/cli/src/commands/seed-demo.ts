/**
 * `ciclo seed demo`: the demo chamber of seeds/tenants/demo.json (Camera di commercio di
 * Pistoia-Prato): its users, the process catalogue (seeds 000 and 001), the transparency grid with
 * the demo's responsible offices (seeds/trasparenza), a PIAO 2022-2024 in
 * progress (draft) with the performance tree of seed 003 and a few measurements, and the cycles
 * linked to it: the Monitoraggio intermedio 2022 and the Relazione sulla performance 2022, and the
 * PTPCT 2021-2023 with its risk register, monitored through 2021. Every write has
 * a deterministic id or idempotency key: a second run writes nothing and says so.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { standardBands, type PlanCommand } from '@ciclo/domain';
import type { EventStore } from '@ciclo/event-store';
import { DirectoryService, loadDemoDirectory, type Actor } from '@ciclo/identity';
import { seedDemoLinkedCycles } from './seed-demo-cycles';
import { seedDemoRegister } from './seed-demo-register';
import { createPlanRuntime, eventIdsFor, ExecuteCycleCommand, ExecutePlanCommands, loadTransparencySeed, type ImportReport } from '@ciclo/workflow';

export interface SeedDemoResult {
  tenant: string;
  cycleId: string;
  /** The Monitoraggio intermedio and the Relazione sulla performance of the PIAO's first year. */
  monitoringCycleId: string;
  relazioneCycleId: string;
  /** The PTPCT 2021-2023 with the risk register and its monitoring. */
  registerCycleId: string;
  /** Events and directory changes written by this run (0 on a second run). */
  written: number;
  lines: string[];
}

/** The demo's measurements: fictitious values for the first half of 2022, and one correction. */
const DEMO_SOURCE = 'Rilevazione interna (valore dimostrativo, non tratto dai documenti)';
const DEMO_MEASUREMENTS: PlanCommand[] = [
  { type: 'record_measurement', indicatorCode: '01_01_01_I1', period: '2022-S1', value: 41, date: '2022-07-15', source: DEMO_SOURCE },
  { type: 'record_measurement', indicatorCode: '01_01_01_I2', period: '2022-S1', value: 3, date: '2022-07-15', source: DEMO_SOURCE },
  { type: 'record_measurement', indicatorCode: '01_01_02_I1', period: '2022-S1', value: 34, date: '2022-07-15', source: DEMO_SOURCE },
  { type: 'record_measurement', indicatorCode: '01_01_02_I4', period: '2022-S1', value: 95, date: '2022-07-15', source: DEMO_SOURCE },
  { type: 'record_measurement', indicatorCode: '01_01_02_I5', period: '2022-S1', value: 2, date: '2022-07-15', source: DEMO_SOURCE },
  { type: 'record_measurement', indicatorCode: '01_01_02_I7', period: '2022-S1', value: 46.5, date: '2022-07-15', source: DEMO_SOURCE },
  { type: 'record_measurement', indicatorCode: '01_04_02_I3', period: '2022-S1', value: false, date: '2022-07-15', source: DEMO_SOURCE },
  {
    type: 'correct_measurement',
    indicatorCode: '01_01_02_I1',
    period: '2022-S1',
    value: 36,
    date: '2022-07-28',
    source: DEMO_SOURCE,
    reason: 'Due assessment registrati in ritardo nel sistema del PID',
  },
];

const DEMO_SMVP_REASON = 'SMVP dimostrativo: soglia minima 60, target 100';

export const DEMO_YEAR = 2022;
export const DEMO_KEY = 'demo:piao:2022';

export async function seedDemo(store: EventStore, seedsDir: string): Promise<SeedDemoResult> {
  const tenantFile = resolve(seedsDir, 'tenants/demo.json');
  const tenantSeed = JSON.parse(readFileSync(tenantFile, 'utf8')) as { id: string; name: string; users: { id: string; roles: string[] }[] };
  const tenant = tenantSeed.id;
  const lines: string[] = [];
  let written = 0;

  const directory = await loadDemoDirectory(new DirectoryService(store), tenantFile, { correlationId: 'seed-demo' });
  written += (directory.tenantRegistered ? 1 : 0) + (directory.tenantProfile ? 1 : 0) + directory.grants + directory.profiles;
  lines.push(directory.tenantRegistered || directory.tenantProfile || directory.grants || directory.profiles ? `Directory: ${tenantSeed.name} (${tenant}), ${directory.grants} roles granted, ${directory.profiles} profiles` : `Directory: ${tenant} already loaded`);

  const userWith = (role: string): string => tenantSeed.users.find((u) => u.roles.includes(role))?.id ?? `u-demo-${role}`;
  const as = (role: string): Actor => ({ userId: userWith(role), tenant, roles: [role as Actor['roles'][number]], via: 'system' });
  const runtime = createPlanRuntime(store, seedsDir);
  await runtime.ready;

  // The PTPCT 2021-2023 first: its past year's events precede the PIAO's in the audit trail.
  const register = await seedDemoRegister(store, runtime, seedsDir, tenant, tenantSeed.name, as);
  written += register.written;
  lines.push(...register.lines);

  const cycleId = eventIdsFor(1, { tenant, key: DEMO_KEY, scope: 'open-cycle' })[0];
  const opened = await runtime.cycles.execute(
    new ExecuteCycleCommand(as('po'), cycleId, { type: 'open', cycleId, year: DEMO_YEAR, title: `PIAO ${DEMO_YEAR}-${DEMO_YEAR + 2} - ${tenantSeed.name} (demo)` }, {
      cycleType: 'piao',
      correlationId: 'seed-demo',
      idempotencyKey: DEMO_KEY,
    }),
  );
  if (!opened.replayed) written += 1;
  lines.push(`PIAO ${DEMO_YEAR}-${DEMO_YEAR + 2}: cycle ${cycleId} ${opened.replayed ? 'already open' : 'opened'} (stage bozza)`);

  const files: [string, Actor, string | undefined][] = [
    ['plan/piano-performance-2022-2024.json', as('po'), cycleId],
    ['catalogue/processi.json', as('segretario_generale'), undefined],
    ['catalogue/schede-processo.json', as('segretario_generale'), undefined],
  ];
  for (const [file, actor, cycle] of files) {
    const path = resolve(seedsDir, file);
    const r: ImportReport = await runtime.importer.importFile(path, readFileSync(path), { tenant, actor, correlationId: 'seed-demo', ...(cycle ? { cycleId: cycle } : {}) });
    written += r.events;
    const created = Object.entries(r.created).map(([k, n]) => `${n} ${k}`).join(', ');
    lines.push(`${file}: ${r.events ? `created ${created}` : 'already loaded'}${r.refused.length ? `; ${r.refused.length} refused` : ''}`);
  }

  const transparency = await loadTransparencySeed(store, seedsDir, as('rpct'), { offices: true, correlationId: 'seed-demo' });
  written += transparency.obligations + transparency.assignments;
  lines.push(
    transparency.obligations || transparency.assignments
      ? `trasparenza: ${transparency.obligations} obligations, ${transparency.assignments} office assignments${transparency.refused.length ? `; ${transparency.refused.length} refused` : ''}`
      : 'trasparenza: already loaded',
  );

  const m = await runtime.plans.execute(
    new ExecutePlanCommands(as('rilevatore'), cycleId, DEMO_MEASUREMENTS, { correlationId: 'seed-demo', idempotencyKey: 'demo:measurements:v1', atomic: true }),
  );
  written += m.replayed ? 0 : m.events.length;
  lines.push(`Measurements: ${m.replayed ? 'already recorded' : `${m.events.length} recorded (one a correction)`}`);

  // The demo SMVP: the three usual bands with the minimum at 60 (the console colours achievement by them).
  const rules = await runtime.plans.execute(
    new ExecutePlanCommands(as('segretario_generale'), cycleId, [{ type: 'set_scoring_rules', rules: { bands: standardBands({ minimum: 60 }) }, reason: DEMO_SMVP_REASON }], {
      correlationId: 'seed-demo',
      idempotencyKey: 'demo:scoring:v1',
      atomic: true,
    }),
  );
  written += rules.replayed ? 0 : rules.events.length;
  lines.push(`Scoring rules: ${rules.replayed ? 'already set' : 'bands below minimum (< 60), minimum to target, target to excellent (>= 100)'}`);

  const linked = await seedDemoLinkedCycles(store, runtime, tenant, DEMO_YEAR, as);
  written += linked.written;
  lines.push(...linked.lines);

  lines.push(written === 0 ? 'Demo chamber already loaded: nothing written.' : `Demo chamber loaded: ${written} writes.`);
  return { tenant, cycleId, monitoringCycleId: linked.monitoringCycleId, relazioneCycleId: linked.relazioneCycleId, registerCycleId: register.cycleId, written, lines };
}

/**
 * Risk register benchmark: `npm run bench -- register [--processes 500] [--risks 5] [--measures 3]
 * [--runs 50] [--warmup 10] [--import-runs 2]`.
 *
 * A register of `processes` × `risks` risk events × `measures` measures per risk (500 × 5 × 3:
 * 2,500 risks, 7,500 measures), every process assessed, two monitoring dates, a report on half the
 * measures and the RPCT's check on a third of those:
 *   rollup_ms          p50 of registerView (ratings by process, every measure's status and
 *                      lateness, the roll-up) over `--runs` after `--warmup`; target ≤ 20
 *   rollup_p99_ms      p99 of the same (reported, not gated: the machine is shared)
 *   import_rows_per_s  median over `--import-runs` (after a warm-up run) of sheet rows per second
 *                      through RegisterImporter (a CSV of one row per measure, the register
 *                      commands, the decider, atomic appends) into a PTPCT of a fresh PostgreSQL
 *                      database; target ≥ 2,000
 * Progress goes to stderr; the last stdout line is the JSON result.
 */
import { cpus, loadavg } from 'node:os';
import {
  applyPlanEvent,
  DEFAULT_RATING_METHOD,
  initialPlanState,
  registerView,
  type RegisterState,
} from '@ciclo/domain';

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

function numberArg(name: string, fallback: number, argv = process.argv.slice(2)): number {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const raw =
      arg === `--${name}`
        ? argv[i + 1]
        : arg.startsWith(`--${name}=`)
          ? arg.slice(name.length + 3)
          : undefined;
    if (raw === undefined) continue;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got "${raw}"`);
    return n;
  }
  return fallback;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}
const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;
const LEVELS = DEFAULT_RATING_METHOD.levels;

/** The register built through its own fold (the events the commands would write). */
function register(processes: number, risks: number, measures: number): RegisterState {
  // Folded as the cycle's stream folds it: through the plan's fold, into its register.
  const plan = initialPlanState();
  const r = plan.register;
  let version = 0;
  const apply = (type: string, data: Record<string, unknown>) =>
    applyPlanEvent(plan, {
      type,
      data: data as never,
      version: ++version,
      tenant: 'bench',
      actorId: 'u-bench',
      actorRole: 'rpct',
      occurredAt: '2027-01-10T09:00:00Z',
    });
  apply('MeasureMonitoringDatesSet', { dates: ['2027-06-30', '2027-12-15'] });
  for (let p = 0; p < processes; p++) {
    const pc = `P${p}`;
    apply('RegisterItemAdded', {
      item: {
        kind: 'process',
        code: pc,
        title: `Processo ${p}`,
        area: `Area ${p % 4}`,
        office: `Ufficio ${p % 17}`,
      },
    });
    const level = LEVELS[p % LEVELS.length];
    const indicators = Object.fromEntries(
      DEFAULT_RATING_METHOD.indicators.map((i) => [i.key, { level, reason: 'motivo' }]),
    );
    apply('RiskAssessed', {
      processCode: pc,
      indicators,
      rating: level,
      motivation: 'giudizio',
      suggestedRating: level,
    });
    for (let k = 0; k < risks; k++) {
      const rc = `${pc}-R${k}`;
      apply('RegisterItemAdded', {
        item: {
          kind: 'risk',
          code: rc,
          processCode: pc,
          description: `Evento ${k}`,
          factors: ['discrezionalità'],
        },
      });
      for (let m = 0; m < measures; m++) {
        const mc = `${rc}-M${m}`;
        apply('RegisterItemAdded', {
          item: {
            kind: 'measure',
            code: mc,
            measureKind: 'specifica',
            category: 'controllo',
            title: `Misura ${m}`,
            riskCodes: [rc],
            owner: { office: 'Ufficio', dirigente: 'Dirigente' },
            phases: [
              { title: 'Fase 1', deadline: '2027-03-31' },
              { title: 'Fase 2', deadline: '2027-09-30' },
            ],
            indicator: 'Pratiche controllate',
            target: '100%',
          },
        });
        const n = p * risks * measures + k * measures + m;
        if (n % 2 === 0)
          apply('MeasureReported', {
            measureCode: mc,
            monitoringDate: '2027-06-30',
            status: n % 3 === 0 ? 'attuata' : 'parzialmente_attuata',
            evidence: 'atti',
            date: '2027-07-02',
          });
        if (n % 6 === 0)
          apply('MeasureReportChecked', {
            measureCode: mc,
            monitoringDate: '2027-06-30',
            outcome: 'confermato',
            status: 'attuata',
          });
      }
    }
  }
  return r;
}

/** The register sheet: one row per measure, its risk and process. */
function sheet(processes: number, risks: number, measures: number): Buffer {
  const lines = [
    'Codice processo;Processo;Area;Ufficio;Codice rischio;Evento rischioso;Fattori abilitanti;Codice misura;Misura;Tipo misura;Categoria;Ufficio responsabile;Dirigente;Fasi e scadenze;Indicatore di attuazione;Target',
  ];
  for (let p = 0; p < processes; p++)
    for (let k = 0; k < risks; k++)
      for (let m = 0; m < measures; m++)
        lines.push(
          `P${p};Processo ${p};Area ${p % 4};Ufficio ${p % 17};P${p}-R${k};Evento ${k};discrezionalità|controlli;P${p}-R${k}-M${m};Misura ${m};specifica;controllo;Ufficio;Dirigente;Fase 1 entro 31/03/2027|Fase 2 entro 30/09/2027;Pratiche controllate;100%`,
        );
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

async function importRate(
  processes: number,
  risks: number,
  measures: number,
  runs: number,
): Promise<{ median: number; rows: number }> {
  const { createBenchDatabase } = await import('./support/harness');
  const { PostgresEventStore } = await import('@ciclo/event-store');
  const { createPlanRuntime, ExecuteCycleCommand } = await import('@ciclo/workflow');
  const { migrateDatabase } = await import('../apps/cli/src/migrations');
  const { resolve } = await import('node:path');
  const { randomUUID } = await import('node:crypto');
  const db = await createBenchDatabase();
  const store = new PostgresEventStore({ connectionString: db.url, poolSize: 4 });
  try {
    await migrateDatabase(db.url);
    const runtime = createPlanRuntime(store, resolve(__dirname, '../../seeds'));
    const content = sheet(processes, risks, measures);
    const rows = processes * risks * measures;
    const samples: number[] = [];
    for (let run = 0; run <= runs; run++) {
      const tenant = `cciaa-bench-${run}`;
      const actor = { userId: 'u-rpct', tenant, roles: ['rpct' as const] };
      const cycleId = randomUUID();
      await runtime.cycles.execute(
        new ExecuteCycleCommand(
          actor,
          cycleId,
          { type: 'open', cycleId, year: 2027 },
          { cycleType: 'ptpct', correlationId: `bench-${run}` },
        ),
      );
      const start = process.hrtime.bigint();
      const report = await runtime.registerImporter.importFile(`registro-${run}.csv`, content, {
        tenant,
        actor,
        cycleId,
      });
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      if ((report.created.measures ?? 0) !== rows || report.refused.length)
        throw new Error(
          `import created ${report.created.measures} of ${rows} measures, refused ${report.refused.length}: ${report.refused[0]?.reason}`,
        );
      if (run > 0) samples.push(rows / seconds);
      log(
        `import run ${run}${run === 0 ? ' (warm-up)' : ''}: ${rows} rows in ${round(seconds * 1000)} ms (${report.events} events)`,
      );
    }
    return { median: percentile(samples, 50), rows };
  } finally {
    await store.close();
    await db.drop();
  }
}

async function main(): Promise<void> {
  const processes = Math.round(numberArg('processes', 500));
  const risks = Math.round(numberArg('risks', 5));
  const measures = Math.round(numberArg('measures', 3));
  const runs = Math.round(numberArg('runs', 50));
  const warmup = Math.round(numberArg('warmup', 10));
  const importRuns = Math.round(numberArg('import-runs', 2));
  log(`building a register of ${processes} processes × ${risks} risks × ${measures} measures`);
  const state = register(processes, risks, measures);
  const samples: number[] = [];
  let check = 0;
  for (let i = 0; i < warmup + runs; i++) {
    const start = process.hrtime.bigint();
    const view = registerView(state, '2027-07-15');
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    check += view.summary.overdue;
    if (i >= warmup) samples.push(ms);
  }
  const rss = process.memoryUsage.rss();
  const imported = await importRate(processes, risks, measures, importRuns);
  const rollup = percentile(samples, 50);
  const result = {
    bench: 'register',
    processes,
    risks: processes * risks,
    measures: processes * risks * measures,
    runs,
    warmup_runs: warmup,
    rollup_ms: round(rollup),
    rollup_p99_ms: round(percentile(samples, 99)),
    rollup_target_ms: 20,
    import_rows_per_s: Math.round(imported.median),
    import_rows: imported.rows,
    import_runs: importRuns,
    import_target_per_s: 2000,
    rss_mb: round(rss / (1024 * 1024), 1),
    cpus: cpus().length,
    loadavg_1m: round(loadavg()[0] ?? 0),
    pass: rollup <= 20 && imported.median >= 2000,
    overdue_measures: check / (warmup + runs),
    notes:
      'rss_mb is measured before the import phase (which loads pg and the workflow). The machine may be shared: read loadavg_1m with the figures.',
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});

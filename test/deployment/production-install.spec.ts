// The image's steps, run here without Docker: this test reads the Dockerfile and docker-compose.yml
// and runs their build steps and commands in temporary folders standing for the image's /app:
// the build stage compiles the project, the runtime stage installs only the production
// dependencies (`npm ci --omit=dev`, for real) and copies the compiled code. Then the built CLI
// (`--help`, `--version`, `migrate`, `seed demo`, `backup`), the API (to its health endpoints, with
// the image's HEALTHCHECK) and the worker (its heartbeat, compose's worker health check) run
// against a test database with NODE_ENV=production. A module missing from `dependencies` fails here.
//
// Two steps are not run as written: the build stage's `npm ci` (the project's own node_modules,
// installed from the same lock file, is linked instead: a second full install would only repeat
// it) and the runtime stage's `apt-get install postgresql-client` (this machine's client tools are used).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { createTestDatabase, testRedisPrefix, type TestDatabase } from '../support/database';
import { copyStep, envOf, parseDockerfile, type Instruction, type Stage } from './dockerfile';

const exec = promisify(execFile);
const ROOT = resolve(__dirname, '../..');
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

type ComposeService = { command?: string[]; healthcheck?: { test?: string[] } };

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Runs a shell step of a stage in its folder; prints its output when it fails. */
async function sh(command: string, cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  try {
    await exec('/bin/sh', ['-c', command], { cwd, env, maxBuffer: 64 * 1024 * 1024, timeout: 600_000 });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`"${command}" failed in ${cwd}: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

interface Proc {
  proc: ChildProcess;
  out: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(cmd: string[], cwd: string, env: NodeJS.ProcessEnv): Proc {
  const proc = spawn(cmd[0], cmd.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: string[] = [];
  proc.stdout!.on('data', (d: Buffer) => out.push(d.toString()));
  proc.stderr!.on('data', (d: Buffer) => out.push(d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => proc.on('exit', (code, signal) => r({ code, signal })));
  return { proc, out, exited };
}

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('production install: the Dockerfile steps, the built CLI, API and worker', () => {
  const work = mkdtempSync(join(tmpdir(), 'ciclo-image-'));
  const stageDirs: Record<string, string> = {};
  let stages: Stage[];
  let runtime: Stage;
  let compose: { services: Record<string, ComposeService> };
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let app: string;
  let port: number;
  const procs: Proc[] = [];

  beforeAll(async () => {
    stages = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
    compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as typeof compose;
    runtime = stages[stages.length - 1];
    // npm takes what its cache holds without asking the registry again (the image build's cache
    // mount plays that part): `npm ci` otherwise re-fetches the metadata of every package, about 900
    // requests, and took from 30 s to over 5 minutes depending on the registry.
    const baseEnv: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      npm_config_cache: process.env.npm_config_cache,
      npm_config_prefer_offline: 'true',
    };
    // The stages run at the same time, as BuildKit runs them: a `COPY --from=<stage>` waits for
    // that stage to finish (so the runtime stage's install overlaps the build stage's compile).
    const built: Record<string, Promise<void>> = {};
    for (const stage of stages) stageDirs[stage.name] = join(work, stage.name);
    for (const stage of stages) {
      built[stage.name] = (async () => {
        const dir = stageDirs[stage.name];
        let stageEnv: NodeJS.ProcessEnv = { ...baseEnv };
        for (const ins of stage.steps) {
          if (ins.op === 'ENV') stageEnv = { ...stageEnv, ...envOf(ins.rest) };
          else if (ins.op === 'COPY') {
            const from = ins.flags.from;
            if (from !== undefined) {
              if (!(from in built)) throw new Error(`COPY --from=${from}: no earlier stage of that name`);
              await built[from];
            }
            copyStep(ins, ROOT, dir, stageDirs);
          } else if (ins.op === 'RUN') await runStep(ins, dir, stage, stageEnv);
        }
      })();
      // A failing stage is reported by the Promise.all below, not as an unhandled rejection.
      built[stage.name].catch(() => undefined);
    }
    await Promise.all(Object.values(built));
    app = stageDirs[runtime.name];
    db = await createTestDatabase('image');
    port = await freePort();
    const imageEnv = Object.assign({}, ...runtime.steps.filter((s) => s.op === 'ENV').map((s) => envOf(s.rest))) as Record<string, string>;
    env = {
      ...baseEnv,
      ...imageEnv,
      // Loopback here (the image listens on every interface of its container).
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: db.url,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_PREFIX: testRedisPrefix('image').replace(/:$/, ''),
      LOG_LEVEL: 'info',
      SMTP_URL: 'smtp://127.0.0.1:9',
    };
  }, 900_000);

  /** A RUN step: npm commands run as written (cache mounts aside); see the header for the two exceptions. */
  async function runStep(ins: Instruction, dir: string, stage: Stage, stageEnv: NodeJS.ProcessEnv): Promise<void> {
    const cmd = ins.rest;
    if (/^npm ci(\s|$)/.test(cmd) && !/--omit=dev/.test(cmd)) {
      expect(readFileSync(join(dir, 'package-lock.json'), 'utf8')).toBe(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));
      symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
      return;
    }
    if (/^apt-get /.test(cmd)) {
      expect(stage.name).toBe(runtime.name);
      return;
    }
    if (!/^npm /.test(cmd)) throw new Error(`This test does not know how to run "RUN ${cmd}": teach it, or keep the Dockerfile to npm steps`);
    await sh(cmd, dir, stageEnv);
  }

  afterAll(async () => {
    for (const p of procs) if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill('SIGKILL');
    await db?.drop();
    rmSync(work, { recursive: true, force: true });
  });

  const ciclo = (...args: string[]) => exec(process.execPath, ['bin/ciclo', ...args], { cwd: app, env });
  const composeCommand = (service: string) => {
    const c = compose.services[service]?.command;
    if (!c) throw new Error(`docker-compose.yml has no command for ${service}`);
    return c[0] === 'node' ? [process.execPath, ...c.slice(1)] : c;
  };

  it('builds an image folder with production dependencies only, run as a non-root user in production mode', async () => {
    expect(stages.map((s) => s.name)).toEqual(['build', 'runtime']);
    for (const s of stages) expect(s.base).toMatch(/^node:22\.\d+\.\d+-/);
    const user = runtime.steps.filter((s) => s.op === 'USER').pop();
    expect(user?.rest).toBe('node');
    expect(env.NODE_ENV).toBe('production');
    expect(runtime.steps.some((s) => s.op === 'ENV' && /DEV_AUTH/.test(s.rest))).toBe(false);
    const { stdout } = await exec('npm', ['ls', '--omit=dev', '--depth=0', '--json'], { cwd: app, env, maxBuffer: 16 * 1024 * 1024 });
    const installed = Object.keys((JSON.parse(stdout) as { dependencies: Record<string, unknown> }).dependencies).sort();
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    expect(installed).toEqual(Object.keys(pkg.dependencies).sort());
    for (const dev of ['typescript', 'jest', 'eslint', 'vite', 'react']) expect(pkg.dependencies[dev]).toBeUndefined();
  });

  it('runs the CLI: --help, --version, migrate, seed demo, backup', async () => {
    const help = await ciclo('--help');
    for (const c of ['migrate', 'backup', 'restore', 'audit', 'projections', 'seed']) expect(help.stdout).toContain(c);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect((await ciclo('--version')).stdout.trim()).toBe(pkg.version);
    const [migrate] = await Promise.all([exec(composeCommand('migrate')[0], composeCommand('migrate').slice(1), { cwd: app, env })]);
    expect(migrate.stdout).toMatch(/Applied migrations: 0001_event_store/);
    const demo = composeCommand('demo');
    expect((await exec(demo[0], demo.slice(1), { cwd: app, env, maxBuffer: 16 * 1024 * 1024 })).stdout).toMatch(/Demo chamber loaded/);
    const backup = await ciclo('backup', join(work, 'demo.dump'));
    expect(backup.stdout).toMatch(/Backup written to .*demo\.dump/);
  }, 180_000);

  it('starts the API and the worker: health, readiness, the image and compose health checks, then a clean stop', async () => {
    const cmd = runtime.steps.filter((s) => s.op === 'CMD').pop()?.exec as string[];
    expect(cmd.slice(-1)[0]).toBe('dist/apps/api/src/main.js');
    const api = start([process.execPath, ...cmd.slice(1)], app, env);
    const worker = start(composeCommand('worker'), app, env);
    procs.push(api, worker);
    const url = `http://127.0.0.1:${port}`;
    let health: { status: number; body: Record<string, unknown> } | null = null;
    for (let t0 = Date.now(); Date.now() - t0 < 60_000; await sleep(500)) {
      health = await getJson(`${url}/health`).catch(() => null);
      // Up: a worker reports and holds every subscription's lease (taken in the first second or so).
      const workers = (health?.body.components as Record<string, { status: string }> | undefined)?.workers;
      if (health?.status === 200 && workers?.status === 'up') break;
      if (api.proc.exitCode !== null || worker.proc.exitCode !== null) break;
    }
    const logs = () => `api:\n${api.out.join('')}\nworker:\n${worker.out.join('')}`;
    expect({ status: health?.status, logs: health?.status === 200 ? '' : logs() }).toEqual({ status: 200, logs: '' });
    const components = health!.body.components as Record<string, { status: string; subscriptions?: { name: string; heldBy: string | null }[] }>;
    expect(components.database.status).toBe('up');
    expect(components.workers.status).toBe('up');
    expect(components.workers.subscriptions?.map((s) => s.name)).toEqual(expect.arrayContaining(['projection:cycles', 'deadline-scheduler', '$audit-seal']));
    expect(components.workers.subscriptions?.every((s) => s.heldBy !== null)).toBe(true);
    expect((await getJson(`${url}/health/live`)).status).toBe(200);
    expect((await getJson(`${url}/health/ready`)).body.status).toBe('ready');
    // JSON log lines when stdout is not a terminal.
    expect(JSON.parse(worker.out.join('').split('\n').find((l) => l.includes('Ciclo worker started')) as string)).toMatchObject({ app: 'worker' });

    // The image's HEALTHCHECK and compose's worker check, as Docker would run them.
    const hc = runtime.steps.find((s) => s.op === 'HEALTHCHECK')?.exec as string[];
    expect(hc[0]).toBe('node');
    await exec(process.execPath, hc.slice(1), { cwd: app, env });
    const workerCheck = compose.services.worker.healthcheck?.test as string[];
    expect(workerCheck.slice(0, 2)).toEqual(['CMD', 'node']);
    expect((await exec(process.execPath, workerCheck.slice(2), { cwd: app, env })).stdout).toMatch(/^Worker .* alive/);

    api.proc.kill('SIGTERM');
    worker.proc.kill('SIGTERM');
    const [a, w] = await Promise.all([api.exited, worker.exited]);
    expect(a.signal ?? a.code).toBe('SIGTERM');
    expect(w.signal ?? w.code).toBe('SIGTERM');
    // A stopped worker removes its heartbeat: compose's check now fails.
    await expect(exec(process.execPath, workerCheck.slice(2), { cwd: app, env })).rejects.toMatchObject({ code: 1 });
  }, 180_000);

  it('exits after SHUTDOWN_TIMEOUT_MS when a request does not finish', async () => {
    const cmd = runtime.steps.filter((s) => s.op === 'CMD').pop()?.exec as string[];
    const own = await freePort();
    const api = start([process.execPath, ...cmd.slice(1)], app, { ...env, PORT: String(own), SHUTDOWN_TIMEOUT_MS: '1500' });
    procs.push(api);
    const url = `http://127.0.0.1:${own}`;
    for (let t0 = Date.now(); Date.now() - t0 < 60_000; await sleep(300)) if ((await getJson(`${url}/health/live`).catch(() => null))?.status === 200) break;
    // A request whose body never ends keeps the server from closing.
    const req = request(`${url}/cycles`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '1000' } });
    req.on('error', () => undefined);
    req.write('{"type":');
    await sleep(300);
    const t0 = Date.now();
    api.proc.kill('SIGTERM');
    const end = await api.exited;
    req.destroy();
    expect(end.code).toBe(1);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1400);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(api.out.join('')).toContain('Shutdown did not finish within SHUTDOWN_TIMEOUT_MS=1500 ms');
  }, 120_000);
});

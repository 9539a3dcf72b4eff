// A private redis-server for tests that stop and restart Redis (the machine's shared one is never touched).
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import IORedis from 'ioredis';
import { sleep } from './support';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export class OwnRedis {
  private proc: ChildProcess | null = null;
  constructor(
    readonly port: number,
    private readonly extraArgs: string[] = [],
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(extra: string[] = []): Promise<void> {
    this.proc = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', ...this.extraArgs, ...extra], {
      stdio: 'ignore',
    });
    const c = new IORedis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    c.on('error', () => undefined);
    try {
      for (let i = 0; i < 100; i++) {
        try {
          await c.connect();
          if ((await c.ping()) === 'PONG') return;
        } catch {
          c.disconnect();
          await sleep(50);
        }
      }
      throw new Error(`redis-server on port ${this.port} did not start`);
    } finally {
      c.disconnect();
    }
  }

  async stop(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise<void>((r) => p.once('exit', () => r()));
    p.kill('SIGKILL');
    await exited;
    this.proc = null;
  }
}

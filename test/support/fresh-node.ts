import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(__dirname, '../..');

/**
 * Runs `script` in a fresh Node process at the repository's root, the TypeScript sources loaded
 * through ts-node and the `@ciclo/*` paths mapped, and answers the JSON it writes on stdout. For
 * what Node itself loads: Jest's own module registry would not tell.
 */
export async function jsonFromFreshNode<T>(script: string): Promise<T> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', '-e', script],
    { cwd: ROOT, env: { ...process.env, TS_NODE_PROJECT: 'tsconfig.json' }, maxBuffer: 8 * 1024 * 1024 },
  );
  return JSON.parse(stdout) as T;
}

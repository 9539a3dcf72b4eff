// The Node arguments of the API and the worker (scripts/app-command.js) are the same wherever they
// start: the image's CMD and docker-compose.yml's commands are checked here against them, and
// `npm start`, the benchmarks and the other deployment tests take them from the module itself.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { appNodeArgs, NODE_FLAGS } from '../../scripts/app-command';
import { parseDockerfile } from './dockerfile';

const ROOT = resolve(__dirname, '../..');

/** Allocates short-lived and kept objects, then answers the largest young generation V8 gave the process (MB). */
const YOUNG_GENERATION_PROBE = `
const v8 = require('node:v8');
const kept = [];
let largest = 0;
for (let i = 0; i < 2e6; i++) {
  const o = { i, s: 'x' + i, a: [i] };
  if (i % 40 === 0) kept.push(o);
  if (i % 5000 === 0) largest = Math.max(largest, v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size);
}
process.stdout.write(JSON.stringify({ youngMb: largest / 1048576, kept: kept.length }));
`;

async function youngGenerationMb(flags: readonly string[]): Promise<number> {
  const { stdout } = await promisify(execFile)(process.execPath, [...flags, '-e', YOUNG_GENERATION_PROBE], { cwd: ROOT });
  return (JSON.parse(stdout) as { youngMb: number }).youngMb;
}

describe('how the API and the worker are started', () => {
  it('builds the command of each app from the dist build, its flags first and extra flags after them', () => {
    for (const app of ['api', 'worker'] as const) {
      expect(appNodeArgs(app)).toEqual([...NODE_FLAGS[app], '-r', './scripts/register-paths.js', `dist/apps/${app}/src/main.js`]);
      expect(appNodeArgs(app, ['--cpu-prof'])).toEqual([...NODE_FLAGS[app], '--cpu-prof', '-r', './scripts/register-paths.js', `dist/apps/${app}/src/main.js`]);
    }
    expect(() => appNodeArgs('cli' as 'api')).toThrow(/Unknown app "cli"/);
  });

  it('gives the image and docker-compose.yml the same commands', () => {
    const stages = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
    const cmd = stages[stages.length - 1].steps.filter((s) => s.op === 'CMD').pop()?.exec;
    expect(cmd).toEqual(['node', ...appNodeArgs('api')]);
    const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, { command?: string[] }> };
    expect(compose.services.api.command).toEqual(['node', ...appNodeArgs('api')]);
    expect(compose.services.worker.command).toEqual(['node', ...appNodeArgs('worker')]);
  });

  it("keeps each app's young generation at 2 × 8 MB, where V8 alone lets it reach 2 × 16 MB", async () => {
    // The flag must be on the command line: V8 sizes the young generation when the process starts.
    const [unset, api, worker] = await Promise.all([youngGenerationMb([]), youngGenerationMb(NODE_FLAGS.api), youngGenerationMb(NODE_FLAGS.worker)]);
    expect(unset).toBeGreaterThan(16);
    expect(api).toBeLessThanOrEqual(16);
    expect(worker).toBeLessThanOrEqual(16);
  });
});

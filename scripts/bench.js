#!/usr/bin/env node
// `npm run bench -- NAME [args...]`: builds the project (tsc, incremental) and runs dist/bench/NAME.js,
// forwarding the extra arguments. NAME is the base name of a file in bench/*.ts.
// The build's output goes to stderr so that the benchmark's stdout stays machine-readable.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { NODE_FLAGS } = require('./app-command');

const root = path.resolve(__dirname, '..');
const benchDir = path.join(root, 'bench');

function available() {
  if (!fs.existsSync(benchDir)) return [];
  return fs
    .readdirSync(benchDir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}

const [name, ...rest] = process.argv.slice(2);
const names = available();
if (!name || !names.includes(name)) {
  if (name) console.error(`Unknown benchmark "${name}".`);
  console.error(
    `Usage: npm run bench -- NAME [args...]\nAvailable benchmarks:\n${names.map((n) => `  ${n}`).join('\n') || '  (none)'}`,
  );
  process.exit(2);
}

const tscBin = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
console.error('[bench] building (tsc -p tsconfig.build.json)...');
const build = spawnSync(process.execPath, [tscBin, '-p', 'tsconfig.build.json'], {
  cwd: root,
  stdio: ['ignore', 2, 2],
});
if (build.error) throw build.error;
if (build.status !== 0) {
  console.error(
    `[bench] build failed (tsc exit ${build.status}): not running "${name}" on code that does not compile.`,
  );
  process.exit(build.status || 1);
}

const entry = path.join('dist', 'bench', `${name}.js`);
if (!fs.existsSync(path.join(root, entry))) {
  console.error(`[bench] ${entry} was not produced by the build.`);
  process.exit(1);
}
// A benchmark that hosts an app's code in its own process (reminders: the worker's scheduler and
// reminder jobs) runs with that app's Node flags, so that its memory is the app's figure.
const HOSTED_APP = { reminders: 'worker' };
const hostFlags = HOSTED_APP[name] ? NODE_FLAGS[HOSTED_APP[name]] : [];
const run = spawnSync(process.execPath, [...hostFlags, '-r', './scripts/register-paths.js', entry, ...rest], {
  cwd: root,
  stdio: 'inherit',
});
if (run.error) throw run.error;
process.exit(run.status === null ? 1 : run.status);

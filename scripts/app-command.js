// How each of Ciclo's two long-running processes is started, in one place: `npm start`
// (scripts/start.js), the benchmarks and the tests take their Node arguments from here, and a test
// (test/deployment/app-command.spec.ts) checks that the image's CMD and docker-compose.yml's
// commands are the same. ADR 0012 says why the flags are there.

/**
 * V8 flags of each app. They must be on the command line: V8 sizes its young generation when the
 * process starts, so `v8.setFlagsFromString` in the app's own code would come too late.
 * `--max-semi-space-size=8`: a young generation of 2 × 8 MB instead of V8's 2 × 16 MB, about 20 MB
 * less resident memory for somewhat more frequent young-generation collections.
 */
const NODE_FLAGS = Object.freeze({
  api: Object.freeze(['--max-semi-space-size=8']),
  worker: Object.freeze(['--max-semi-space-size=8']),
});

/**
 * The arguments after `node` that start `app` from the `dist` build, run from the repository's (or
 * the image's) root. `extra`: further Node flags placed after the app's own, so that they win (a
 * benchmark comparing another V8 setting).
 */
function appNodeArgs(app, extra = []) {
  const flags = NODE_FLAGS[app];
  if (!flags) throw new Error(`Unknown app "${app}": expected ${Object.keys(NODE_FLAGS).join(' or ')}`);
  return [...flags, ...extra, '-r', './scripts/register-paths.js', `dist/apps/${app}/src/main.js`];
}

module.exports = { NODE_FLAGS, appNodeArgs };

// The order in which the two jest workers take the test files. Jest's own order (the longest
// first, from the last run's durations, else the largest file first) can give both workers a
// browser suite at the same time: two Chromiums and two APIs on two cores, each console suite then
// taking about 30 % longer. Here the deployment suites (the longest) start first; then each
// browser suite (test/console) is followed by other suites adding up to about as long, so that a
// browser suite mostly runs beside suites that need no browser. Durations come from the last run
// when jest has them, else from an estimate per kind of suite.
const Sequencer = require('@jest/test-sequencer').default;

const isBrowserSuite = (path) => /[\\/]test[\\/]console[\\/]/.test(path);
const isDeploymentSuite = (path) => /[\\/]test[\\/]deployment[\\/]/.test(path);

/** Seconds a suite took in a run of the whole set, when nothing better is known. */
const ESTIMATE_S = { browser: 35, other: 7 };

class CicloSequencer extends Sequencer {
  sort(tests) {
    const ordered = super.sort(tests);
    const seconds = (test, kind) => {
      const cached = this._getCache(test)[test.path];
      return cached && cached[1] ? cached[1] / 1000 : ESTIMATE_S[kind];
    };
    const out = ordered.filter((t) => isDeploymentSuite(t.path));
    const browser = ordered.filter((t) => isBrowserSuite(t.path));
    const other = ordered.filter((t) => !isBrowserSuite(t.path) && !isDeploymentSuite(t.path));
    while (browser.length) {
      const b = browser.shift();
      out.push(b);
      for (let beside = 0; other.length && beside < seconds(b, 'browser'); ) {
        const o = other.shift();
        out.push(o);
        beside += seconds(o, 'other');
      }
    }
    return out.concat(other);
  }
}

module.exports = CicloSequencer;

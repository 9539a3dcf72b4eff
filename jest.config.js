/** Jest: unit tests beside the code (libs/**), integration and end-to-end tests under test/. */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/libs', '<rootDir>/apps', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { isolatedModules: true, tsconfig: 'tsconfig.json' }],
  },
  moduleNameMapper: { '^@ciclo/(.*)$': '<rootDir>/libs/$1/src' },
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
  // Browser suites beside suites that need no browser (see the file).
  testSequencer: '<rootDir>/test/support/sequencer.js',
  testTimeout: 60000,
  maxWorkers: 2,
};

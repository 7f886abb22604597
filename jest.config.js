const { availableParallelism } = require('node:os');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>'],
  testMatch: ['<rootDir>/main.test.ts', '<rootDir>/test/**/*.test.ts'],
  // Type-checking is done once by `tsc --noEmit` in `npm test`; the transform only strips types (esbuild).
  transform: { '^.+\\.ts$': '<rootDir>/test/support/esbuild-transform.js' },
  // The real-engine suites run only under `npm run test:cluster` (jest.cluster.config.js), the
  // package-install suites only under `npm run test:package` (jest.package.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/dist/', '<rootDir>/build/', '<rootDir>/test/cluster/', '<rootDir>/test/consumer/'],
  // A running local cluster keeps etcd's *.snap files in .cluster/: not jest snapshots (jest --ci
  // would call them obsolete and fail).
  modulePathIgnorePatterns: ['<rootDir>/.cluster/'],
  // jest's default (cores - 1) is one in-band worker on a 2-core machine; the
  // slow suites mostly wait on child processes, so two workers fill both cores.
  maxWorkers: Math.max(2, availableParallelism()),
  // With both cores busy, a property test that talks to a child process can pass jest's
  // 5 s default (seen once, on a shared machine); a hang still fails, after 30 s.
  testTimeout: 30_000,
  // A temporary folder per run (TMPDIR), removed at the end (test/support/scratch-tmpdir.js), and
  // the schema validators compiled once for the run (test/support/test-validators.js).
  globalSetup: '<rootDir>/test/support/global-setup.js',
  setupFiles: ['<rootDir>/test/support/use-test-validators.js'],
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
};

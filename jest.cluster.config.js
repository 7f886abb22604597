/**
 * The kwok-phase suites (`npm run test:cluster`, phase `kwok`): run against the local control
 * plane with kwok's fake nodes that tools/cluster/run-cluster-tests.ts starts. One worker: the suites share one cluster.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/cluster'],
  testMatch: ['<rootDir>/test/cluster/*.cluster.test.ts'],
  transform: { '^.+\\.ts$': '<rootDir>/test/support/esbuild-transform.js' },
  maxWorkers: 1,
  testSequencer: '<rootDir>/test/cluster/suite-order.js',
  testTimeout: 300000,
};

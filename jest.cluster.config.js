/**
 * The kwok-phase suites (`npm run test:cluster`, phase `kwok`): run against the local control
 * plane with kwok's fake nodes that tools/cluster/run-cluster-tests.ts starts. One worker: the suites share one cluster.
 * Files run in name order (01-, 02-, ...): the suites that apply dist/ and check what the controllers
 * made of it first, the validator comparisons last (they create and delete hundreds of namespaces
 * and pods, and kwok and the controllers can take minutes to catch up afterwards).
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/cluster'],
  testMatch: ['<rootDir>/test/cluster/*.cluster.test.ts'],
  transform: { '^.+\\.ts$': '<rootDir>/test/support/esbuild-transform.js' },
  maxWorkers: 1,
  testSequencer: '<rootDir>/test/support/name-order.js',
  testTimeout: 300000,
};

/**
 * The real-node suites (`npm run test:cluster`, phase `real`): run against a local cluster with
 * one real node (tools/cluster/real-node.ts), which tools/cluster/run-cluster-tests.ts starts.
 * One worker: the suites share the node. Files run in name order.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/cluster/real-node'],
  testMatch: ['<rootDir>/test/cluster/real-node/**/*.test.ts'],
  transform: { '^.+\\.ts$': '<rootDir>/test/support/esbuild-transform.js' },
  maxWorkers: 1,
  testSequencer: '<rootDir>/test/support/name-order.js',
  testTimeout: 300000,
};

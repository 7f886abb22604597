/**
 * The real-engine suites share one cluster and run one at a time, in this order: the suites that
 * apply dist/ and check what the controllers made of it first, the validator comparison last. It
 * creates and deletes hundreds of namespaces and pods, and kwok and the controllers can take
 * minutes to catch up afterwards.
 */
const Sequencer = require('@jest/test-sequencer').default;

const ORDER = [
  'apply-dist',
  'admission-refusals',
  'local-users',
  'interrupted-up',
  'tekton-triggers',
  'simulate-vs-sink',
  'registry',
  'pipeline-run',
  'gogs',
  'explain-vs-kubectl',
  'engine-vs-api-server',
  'validator-vs-api-server',
  'node-heartbeats',
];
const rank = (path) => {
  const index = ORDER.findIndex((name) => path.endsWith(`/${name}.cluster.test.ts`));
  return index < 0 ? ORDER.length : index;
};

class SuiteOrder extends Sequencer {
  sort(tests) {
    return [...tests].sort((a, b) => rank(a.path) - rank(b.path) || a.path.localeCompare(b.path));
  }
}

module.exports = SuiteOrder;

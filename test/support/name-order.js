/**
 * The cluster suites share one cluster (or one real node) and run one at a time, in file-name
 * order: the numeric prefix of each file (01-, 02-, ...) is its place in the run.
 */
const Sequencer = require('@jest/test-sequencer').default;

class NameOrder extends Sequencer {
  sort(tests) {
    return [...tests].sort((a, b) => a.path.localeCompare(b.path));
  }
}

module.exports = NameOrder;

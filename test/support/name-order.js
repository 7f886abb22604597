/** The real-node suites share one node and run one at a time, in file-name order (01-, 02-, ...). */
const Sequencer = require('@jest/test-sequencer').default;

class NameOrder extends Sequencer {
  sort(tests) {
    return [...tests].sort((a, b) => a.path.localeCompare(b.path));
  }
}

module.exports = NameOrder;

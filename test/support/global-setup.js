// jest's global setup: a TMPDIR of the run's own (scratch-tmpdir.js), and the
// run's compiled schema validators (test-validators.js), both handed to the
// workers through the environment, which they inherit.
'use strict';
const scratch = require('./scratch-tmpdir');
const { ensureTestValidators } = require('./test-validators');

module.exports = async () => {
  await scratch.setup();
  process.env.K8S_PRACTICE_TEST_VALIDATORS = ensureTestValidators();
};

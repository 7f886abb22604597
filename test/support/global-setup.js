// jest's global setup: a TMPDIR of the run's own (scratch-tmpdir.js), the
// run's compiled schema validators (test-validators.js) and the API-server and
// Tekton admission engines turned off by default, all handed to the workers
// through the environment, which they inherit.
'use strict';
const scratch = require('./scratch-tmpdir');
const { ensureTestValidators } = require('./test-validators');

module.exports = async () => {
  await scratch.setup();
  // The suites that run `validate` test our own rules: the API-server engine (its own suites,
  // test/tooling/check/api-server-engine.test.ts and test/tooling/cli/validate-api-server.test.ts,
  // ask for it with --api-server) stays off for them, and for the CLI processes they start.
  process.env.K8S_PRACTICE_API_SERVER ??= 'none';
  // Likewise Tekton's admission engine (its suite, test/tooling/check/with-engines.test.ts, turns it back on).
  process.env.K8S_PRACTICE_TEKTON ??= 'none';
  process.env.K8S_PRACTICE_TEST_VALIDATORS = ensureTestValidators();
};

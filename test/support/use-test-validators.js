// A jest setup file (runs in each test file's module registry before the test):
// the validators that this file creates use the run's compiled validators
// (test-validators.js), written by the global setup.
'use strict';
const file = process.env.K8S_PRACTICE_TEST_VALIDATORS;
if (file) require('../../lib/tooling/check/precompiled').usePrecompiledModule(file);

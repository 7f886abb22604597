// jest's globalSetup and globalTeardown: every test run gets a temporary folder
// of its own, given to the workers (and the processes they start) as TMPDIR, and
// removed when the run ends. cdk8s's `Testing.app()` and `Testing.chart()` make a
// `cdk8s.outdir.*` folder in os.tmpdir() on every call and never remove it: a
// few thousand per run, which had grown /tmp to 300,000 entries on this machine.
'use strict';
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const VARIABLE = 'K8S_PRACTICE_TEST_TMPDIR';

async function setup() {
  const scratch = mkdtempSync(join(tmpdir(), 'k8s-practice-jest-'));
  // Workers are started after globalSetup and inherit this environment.
  process.env[VARIABLE] = scratch;
  process.env.TMPDIR = scratch;
}

async function teardown() {
  const scratch = process.env[VARIABLE];
  if (scratch) rmSync(scratch, { recursive: true, force: true });
}

module.exports = { setup, teardown };

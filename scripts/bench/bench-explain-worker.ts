/**
 * One `explain` sample for `npm run bench`, in a fresh process: loading the
 * schemas explain reads (Kubernetes definitions + the CRD name index), then
 * explaining a built-in field, then a Tekton field from the largest CRD file
 * (which parses that file, or reads it from the cache: `cold` starts with an
 * empty cache folder). Prints JSON timings in milliseconds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { explain } from '../../lib/tooling/explain/explain';
import { ExplainSchemas } from '../../lib/tooling/explain/explain-schemas';

const cold = process.argv[2] === 'cold';
const cacheDir = cold ? mkdtempSync(join(tmpdir(), 'bench-explain-')) : undefined;
const options = cacheDir ? { cacheDir } : {};

let started = performance.now();
const schemas = ExplainSchemas.shared(options);
const loadMs = performance.now() - started;

started = performance.now();
if (explain('pods.spec.containers', options).exitCode !== 0) throw new Error('explain pods.spec.containers failed');
const builtinMs = performance.now() - started;

started = performance.now();
if (explain('taskruns.spec.podTemplate', options).exitCode !== 0) throw new Error('explain taskruns.spec.podTemplate failed');
const crdMs = performance.now() - started;

started = performance.now();
if (explain('svc.spec.ports.nodePort', { ...options, usage: true }).exitCode !== 0) throw new Error('explain with usage failed');
const usageMs = performance.now() - started;

if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
console.log(
  JSON.stringify({
    cacheHits: schemas.timings.crdCacheHits,
    loadMs,
    k8sMs: schemas.timings.k8sMs,
    crdIndexMs: schemas.timings.crdIndexMs,
    builtinMs,
    crdMs,
    crdParseMs: schemas.timings.crdParseMs,
    usageMs,
  }),
);

/**
 * One validation sample for `npm run bench`, in a fresh process: validates
 * dist/ (paying the one-time schema load and compile), then N exposed pods in
 * a restricted project (schemas already compiled). Prints JSON timings.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdk8s';
import { validatePaths } from '../lib/tooling/check/validate';
import { Project } from '../lib/constructs/project/project';
import { ExposedPod } from '../lib/constructs/service/exposed-pod';

const count = Number(process.argv[2] ?? 1000);
const crdDirs = [join(__dirname, '..', 'crds')];
const dist = validatePaths([join(__dirname, '..', 'dist')], { crdDirs });
const schema = { ...dist.timings.schema };

const outdir = mkdtempSync(join(tmpdir(), 'bench-validate-'));
const app = new App({ outdir });
const project = new Project(app, 'scale', { namespace: 'scale', quota: { requestsCpu: '1000', requestsMemory: '1000Gi', limitsCpu: '1000', limitsMemory: '1000Gi', pods: count } });
for (let i = 0; i < count; i++) new ExposedPod(project, `web-${i}`, { name: `web-${i}`, servicePort: 80 });
app.synth();
const scaled = validatePaths([outdir], { crdDirs });
rmSync(outdir, { recursive: true, force: true });

console.log(JSON.stringify({
  schemaLoadMs: schema.loadMs, crdLoadMs: schema.crdLoadMs, compileMs: schema.compileMs, compiledKinds: schema.compiledKinds,
  distObjects: dist.objects, distErrors: dist.errors, distFirstMs: dist.timings.validateMs,
  scaledObjects: scaled.objects, scaledErrors: scaled.errors, scaledMs: scaled.timings.validateMs,
}));

/**
 * One scaling sample for `npm run bench`: synthesizes N exposed pods (pod +
 * Service) in one chart and prints {ms, objects, maxRssMiB} as JSON.
 * `ours` uses ExposedPod; `cdk8s-plus` writes the same pair directly with
 * cdk8s-plus-28 (the baseline the issue asks for).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ExposedPod } from '../../lib/constructs/service/exposed-pod';

const [count, variant] = [Number(process.argv[2]), process.argv[3]];
const outdir = mkdtempSync(join(tmpdir(), 'bench-scale-'));
const started = process.hrtime.bigint();
const app = new App({ outdir });
const chart = new Chart(app, 'scale');
for (let i = 0; i < count; i++) {
  const name = `web-${i}`;
  if (variant === 'ours') {
    new ExposedPod(chart, name, { name, servicePort: 80 });
  } else {
    const pod = new kplus.Pod(chart, name, {
      metadata: { name, labels: { run: name } },
      containers: [{ image: 'nginx', portNumber: 8080 }],
    });
    const service = new kplus.Service(chart, `${name}-svc`, { metadata: { name }, ports: [{ port: 80, targetPort: 8080 }] });
    service.selectLabel('run', name);
    void pod;
  }
}
app.synth();
const ms = Number(process.hrtime.bigint() - started) / 1e6;
rmSync(outdir, { recursive: true, force: true });
console.log(JSON.stringify({ ms, objects: 2 * count, maxRssMiB: process.resourceUsage().maxRSS / 1024 }));

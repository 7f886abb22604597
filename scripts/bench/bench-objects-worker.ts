/**
 * For `npm run bench`: synthesizes N exposed pods (pod + Service) in one
 * restricted project into the folder argv[2] (N = argv[3]); the validator's
 * throughput input. Prints the file names.
 */
import { readdirSync } from 'node:fs';
import { App } from 'cdk8s';
import { Project } from '../../lib/constructs/project/project';
import { ExposedPod } from '../../lib/constructs/service/exposed-pod';

const [outdir, pods] = [process.argv[2], Number(process.argv[3])];
const app = new App({ outdir });
const project = new Project(app, 'scale', {
  namespace: 'scale',
  quota: { requestsCpu: '10000', requestsMemory: '10000Gi', limitsCpu: '10000', limitsMemory: '10000Gi', pods },
});
for (let i = 0; i < pods; i++) new ExposedPod(project, `web-${i}`, { name: `web-${i}`, servicePort: 80 });
app.synth();
console.log(readdirSync(outdir).join(' '));

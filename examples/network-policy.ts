// Only pods labelled `access: web` may reach the web pod; the namespace denies everything else.
import { App } from 'cdk8s';
import { AllowIngressPolicy, ExposedPod, Images, NOBODY_UID, Project, RunPod } from 'k8s-practice-constructs';

const app = new App();
const project = new Project(app, 'policy-lab', { namespace: 'policy-lab', allowSameNamespace: false });
const web = new ExposedPod(project, 'web', { name: 'web', servicePort: 80 });
const client = { image: Images.shell, command: ['sleep', '86400'], runAsUser: NOBODY_UID, writablePaths: [] };
new RunPod(project, 'allowed', { ...client, name: 'allowed', labels: { run: 'allowed', access: 'web' } });
new RunPod(project, 'denied', { ...client, name: 'denied' });
new AllowIngressPolicy(project, 'allow', { name: 'web-from-access-label', to: web.pod, from: [{ podLabels: { access: 'web' } }] });
app.synth();

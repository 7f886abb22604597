// A web pod reachable on every node's port 30081, in its own namespace.
import { App } from 'cdk8s';
import { AllowIngressPolicy, ExposedPod, Project } from 'k8s-practice-constructs';

const app = new App();
const project = new Project(app, 'web-nodeport', { namespace: 'my-web' });
const web = new ExposedPod(project, 'web', { name: 'web', type: 'NodePort', servicePort: 80, nodePort: 30081 });
// The project denies ingress by default; NodePort clients come from outside the namespace.
new AllowIngressPolicy(project, 'from-anywhere', { name: 'web-from-anywhere', to: web.pod, fromAnywhere: true });
app.synth();

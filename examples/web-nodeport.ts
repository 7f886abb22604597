// A web pod reachable on every node's port 30081, in its own namespace.
import { App } from 'cdk8s';
import { ExposedPod, Project } from 'k8s-practice-constructs';

const app = new App();
const project = new Project(app, 'web-nodeport', { namespace: 'my-web' });
// NodePort clients come from outside the namespace: in a Project, ExposedPod adds the policy
// that admits them past the project's default-deny-ingress (`allowFromOutside`).
new ExposedPod(project, 'web', { name: 'web', type: 'NodePort', servicePort: 80, nodePort: 30081 });
app.synth();

// One namespace per learner of a class sharing a cluster, each with its own ClusterIP web pod.
import { App } from 'cdk8s';
import { ExposedPod, Project } from 'k8s-practice-constructs';

const app = new App();
for (const learner of ['kim', 'lee', 'park']) {
  const project = new Project(app, `practice-${learner}`, { namespace: `practice-${learner}` });
  new ExposedPod(project, 'web', { name: 'web', servicePort: 80 });
}
app.synth();

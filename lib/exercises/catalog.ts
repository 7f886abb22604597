import { ApiObject, App, JsonPatch } from 'cdk8s';
import { applyImageMirror } from './image-mirror';
import { Project } from '../constructs/project/project';
import { PropError } from '../util/props-check';
import { CiPipelineExercise } from './ci-pipeline-exercise';
import { EnvironmentExercise } from './environment-exercise';
import { ExerciseOptions, checkExerciseOptions, exerciseNamespace } from './exercise-options';
import { ExposeClusterIpExercise } from './expose-cluster-ip-exercise';
import { ExposeNodePortExercise } from './expose-node-port-exercise';
import { NetworkPolicyExercise } from './network-policy-exercise';
import { PodExercise } from './pod-exercise';
import { ServiceEndpointsExercise } from './service-endpoints-exercise';
import { SharedProcessNamespaceExercise } from './shared-process-namespace-exercise';

/** One practice exercise: how to build its chart and how to describe it. */
export interface Exercise {
  /** Chart id; also the dist file name (`<id>.k8s.yaml`), so `ls dist/` reads in apply order. */
  readonly id: string;
  /** English title. */
  readonly title: string;
  /** The heading or line of the practice notes the exercise comes from (Korean, as written). */
  readonly notes: string;
  /** The kubectl commands the chart corresponds to. */
  readonly kubectl: string;
  /** The namespace the exercise applies into, before any prefix or suffix. */
  readonly namespace: string;
  /**
   * Adds the exercise's chart to an app, in `namespace` (default: the
   * exercise's own); `options.nodePort` is used by the NodePort exercise.
   * `addExercises` passes the namespace with the options' prefix and suffix.
   */
  readonly build: (app: App, id: string, namespace?: string, options?: ExerciseOptions) => Project;
}

/** Every exercise, in apply order. */
export const EXERCISES: readonly Exercise[] = [
  {
    id: '01-pod',
    title: 'A pod',
    notes: 'pod 와 pause image',
    kubectl: 'kubectl run nginx --image=nginxinc/nginx-unprivileged:1.27-alpine --port=8080',
    namespace: 'pod-basics',
    build: (app, id, namespace) => new PodExercise(app, id, { namespace }),
  },
  {
    id: '02-expose-clusterip',
    title: 'Expose a pod as a ClusterIP Service',
    notes: 'Service, EndPoint — kubectl expose pod nginx --type=ClusterIP',
    kubectl: 'kubectl run nginx ... && kubectl expose pod nginx --type=ClusterIP --port=80 --target-port=8080',
    namespace: 'expose-clusterip',
    build: (app, id, namespace) => new ExposeClusterIpExercise(app, id, { namespace }),
  },
  {
    id: '03-expose-nodeport',
    title: 'Expose a pod as a NodePort Service',
    notes: 'Service, EndPoint — kubectl expose pod nginx --type=NodePort',
    kubectl: 'kubectl run nginx ... && kubectl expose pod nginx --type=NodePort --port=80 --target-port=8080',
    namespace: 'expose-nodeport',
    build: (app, id, namespace, options) => new ExposeNodePortExercise(app, id, { namespace, nodePort: options?.nodePort }),
  },
  {
    id: '04-service-endpoints',
    title: 'A Service with hand-made Endpoints (SEP)',
    notes: 'SEP(Service End Point)',
    kubectl:
      'kubectl create service clusterip external-db --tcp=5432:5432 (then remove the selector) + an Endpoints/EndpointSlice manifest',
    namespace: 'service-endpoints',
    build: (app, id, namespace) => new ServiceEndpointsExercise(app, id, { namespace }),
  },
  {
    id: '05-shared-process-namespace',
    title: 'Share the process namespace between the containers of a pod',
    notes: 'Pod와 Container 사이의 Process Namespace 공유',
    kubectl: 'kubectl apply -f share-process-namespace.yaml (the Kubernetes task); kubectl attach -it nginx -c shell',
    namespace: 'shared-pid',
    build: (app, id, namespace) => new SharedProcessNamespaceExercise(app, id, { namespace }),
  },
  {
    id: '06-environment',
    title: 'Environment configuration inside a container',
    notes: '동일한 컨테이너에서 환경설정',
    kubectl:
      'kubectl create configmap env-demo-config --from-literal=APP_COLOR=blue ... && kubectl set env pod/env-demo --from=configmap/env-demo-config',
    namespace: 'env-config',
    build: (app, id, namespace) => inNamespace(new EnvironmentExercise(app, id), namespace),
  },
  {
    id: '07-network-policy',
    title: 'NetworkPolicy: one client may reach the web pod, another may not',
    notes: 'kube-proxy — networkPolicy, service 관련 제어; table ip nat / table ip filter',
    kubectl: 'kubectl create -f networkpolicy.yaml (no kubectl generator exists for NetworkPolicy)',
    namespace: 'network-policy',
    build: (app, id, namespace) => new NetworkPolicyExercise(app, id, { namespace }),
  },
  {
    id: '08-ci-pipeline',
    title: 'Gogs + image registry + Tekton: push, build, push, roll out',
    notes: 'gogs 경량화된 git서버 / tekton git서버와 image registry 웹훅 역할',
    kubectl: 'no kubectl generator: Tekton Pipelines/Triggers releases, then kubectl apply -f',
    namespace: 'ci',
    build: (app, id, namespace) => new CiPipelineExercise(app, id, { namespace }),
  },
];

/**
 * Moves a project that has no namespace prop into `namespace` by patching its
 * output (the Namespace's name and every object's metadata.namespace). Used
 * for EnvironmentExercise, whose constructor takes no props; safe because none
 * of its objects refers to the namespace by name anywhere else.
 */
function inNamespace(project: Project, namespace: string | undefined): Project {
  if (namespace === undefined || namespace === project.namespaceName) return project;
  for (const child of project.node.findAll()) {
    if (!(child instanceof ApiObject)) continue;
    if (child.kind === 'Namespace') child.addJsonPatch(JsonPatch.replace('/metadata/name', namespace));
    else if (child.metadata.namespace !== undefined) child.addJsonPatch(JsonPatch.replace('/metadata/namespace', namespace));
  }
  return project;
}

/** The exercises `only` selects (`'03'`, `'3'` or `'03-expose-nodeport'`), in apply order; throws naming an unknown one. */
export function selectExercises(only?: readonly string[]): Exercise[] {
  if (only === undefined) return [...EXERCISES];
  if (!Array.isArray(only) || only.length === 0) {
    throw new PropError('exercise options', 'only', only, 'a non-empty list of exercise numbers or ids');
  }
  const picked = new Set<Exercise>();
  for (const wanted of only) {
    const found = EXERCISES.find(
      (e) => e.id === wanted || (typeof wanted === 'string' && /^\d{1,2}$/.test(wanted) && Number(e.id.slice(0, 2)) === Number(wanted)),
    );
    if (!found) {
      throw new PropError('exercise options', 'only', wanted, `one of ${EXERCISES.map((e) => `${e.id.slice(0, 2)} (${e.id})`).join(', ')}`);
    }
    picked.add(found);
  }
  return EXERCISES.filter((e) => picked.has(e));
}

/**
 * Adds the exercise charts to `app`, in apply order: every exercise, or those
 * `options.only` names, with the options' namespaces, images and node port.
 * With no options the charts are exactly those in `dist/`.
 */
export function addExercises(app: App, options: ExerciseOptions = {}): Project[] {
  checkExerciseOptions(options);
  const projects = selectExercises(options.only).map((exercise) =>
    exercise.build(app, exercise.id, exerciseNamespace(exercise.namespace, options), options),
  );
  if (options.imageMirror !== undefined) applyImageMirror(app, options.imageMirror);
  return projects;
}

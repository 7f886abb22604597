import { App } from 'cdk8s';
import { Project } from '../project/project';
import { CiPipelineExercise } from './ci-pipeline-exercise';
import { EnvironmentExercise } from './environment-exercise';
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
  /** Adds the exercise's chart to an app. */
  readonly build: (app: App, id: string) => Project;
}

/** Every exercise, in apply order. */
export const EXERCISES: readonly Exercise[] = [
  {
    id: '01-pod',
    title: 'A pod',
    notes: 'pod 와 pause image',
    kubectl: 'kubectl run nginx --image=nginxinc/nginx-unprivileged:1.27-alpine --port=8080',
    build: (app, id) => new PodExercise(app, id),
  },
  {
    id: '02-expose-clusterip',
    title: 'Expose a pod as a ClusterIP Service',
    notes: 'Service, EndPoint — kubectl expose pod nginx --type=ClusterIP',
    kubectl: 'kubectl run nginx ... && kubectl expose pod nginx --type=ClusterIP --port=80 --target-port=8080',
    build: (app, id) => new ExposeClusterIpExercise(app, id),
  },
  {
    id: '03-expose-nodeport',
    title: 'Expose a pod as a NodePort Service',
    notes: 'Service, EndPoint — kubectl expose pod nginx --type=NodePort',
    kubectl: 'kubectl run nginx ... && kubectl expose pod nginx --type=NodePort --port=80 --target-port=8080',
    build: (app, id) => new ExposeNodePortExercise(app, id),
  },
  {
    id: '04-service-endpoints',
    title: 'A Service with hand-made Endpoints (SEP)',
    notes: 'SEP(Service End Point)',
    kubectl: 'kubectl create service clusterip external-db --tcp=5432:5432 (then remove the selector) + an Endpoints/EndpointSlice manifest',
    build: (app, id) => new ServiceEndpointsExercise(app, id),
  },
  {
    id: '05-shared-process-namespace',
    title: 'Share the process namespace between the containers of a pod',
    notes: 'Pod와 Container 사이의 Process Namespace 공유',
    kubectl: 'kubectl apply -f share-process-namespace.yaml (the Kubernetes task); kubectl attach -it nginx -c shell',
    build: (app, id) => new SharedProcessNamespaceExercise(app, id),
  },
  {
    id: '06-environment',
    title: 'Environment configuration inside a container',
    notes: '동일한 컨테이너에서 환경설정',
    kubectl: 'kubectl create configmap env-demo-config --from-literal=APP_COLOR=blue ... && kubectl set env pod/env-demo --from=configmap/env-demo-config',
    build: (app, id) => new EnvironmentExercise(app, id),
  },
  {
    id: '07-network-policy',
    title: 'NetworkPolicy: one client may reach the web pod, another may not',
    notes: 'kube-proxy — networkPolicy, service 관련 제어; table ip nat / table ip filter',
    kubectl: 'kubectl create -f networkpolicy.yaml (no kubectl generator exists for NetworkPolicy)',
    build: (app, id) => new NetworkPolicyExercise(app, id),
  },
  {
    id: '08-ci-pipeline',
    title: 'Gogs + image registry + Tekton: push, build, push, roll out',
    notes: 'gogs 경량화된 git서버 / tekton git서버와 image registry 웹훅 역할',
    kubectl: 'no kubectl generator: Tekton Pipelines/Triggers releases, then kubectl apply -f',
    build: (app, id) => new CiPipelineExercise(app, id),
  },
];

/** Adds every exercise chart to `app`, in apply order. */
export function addExercises(app: App): Project[] {
  return EXERCISES.map((exercise) => exercise.build(app, exercise.id));
}

/**
 * The real Tekton Pipelines controller (v1.15.0) runs the PipelineRun that the real EventListener
 * sink creates from the Gogs push fixture. Checked: the TaskRuns and Pods Tekton makes of our
 * Pipeline and Tasks (images, commands, scripts and env with params substituted, workspace
 * volumes, service accounts), their admission by the real PodSecurity of our `ci` namespace
 * (Tekton's injected containers included), and results flowing from kaniko onwards.
 *
 * No container runs: kwok plays the kubelet, and its tekton-step-complete Stage
 * (tools/cluster/kwok-stages/) ends every step with exit code 0 and the termination message of
 * the results the step would write. Their values are synthetic; where they flow is Tekton's doing.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ApiObject } from '../../tools/cluster/api-client';
import { CLUSTER_DIR } from '../../tools/cluster/paths';
import { StartedProcess, stopProcess } from '../../tools/cluster/processes';
import {
  PIPELINES_IMAGES,
  startCoreInterceptors,
  startEventListenerSink,
  startPipelinesController,
  startSignatureInterceptor,
} from '../../tools/cluster/tekton-engines';
import { listeningSockets } from './listening-sockets';
import { api, CI_OBJECTS, ciConfigMapValue, eventually, installCiExercise, kubectl } from './support';
import { expectedStep, placedScripts, StepSpec, TaskSpec } from './tekton-substitution';
import { GOGS_PUSH } from '../support/fixture-paths';

const GOGS_BODY = Buffer.from(GOGS_PUSH.body, 'utf8');
const GOGS_HEADERS = GOGS_PUSH.headers;
const PUSH = JSON.parse(GOGS_BODY.toString('utf8')) as { after: string; repository: { clone_url: string } };
const GOGS_WEBHOOK_SECRET = 'gogs-webhook-secret'; // the fixture's X-Gogs-Signature is valid for it

type Param = { name: string; value: string | string[] };
interface Run extends ApiObject {
  metadata: ApiObject['metadata'] & { labels?: Record<string, string> };
  spec: { params?: Param[]; serviceAccountName?: string; taskRef?: { name: string } };
  status?: {
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    startTime?: string;
    completionTime?: string;
    podName?: string;
    results?: { name: string; value: string }[];
  };
}
interface Container extends StepSpec {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  volumeMounts?: { name: string; mountPath: string }[];
}
interface Pod extends ApiObject {
  metadata: ApiObject['metadata'] & { labels?: Record<string, string> };
  spec: {
    serviceAccountName: string;
    securityContext?: { fsGroup?: number };
    initContainers?: Container[];
    containers: Container[];
    volumes: { name: string; emptyDir?: object; persistentVolumeClaim?: { claimName: string }; projected?: object; secret?: object }[];
  };
  status: { phase: string; containerStatuses?: { name: string; state: { terminated?: { exitCode: number; message?: string } } }[] };
}

const ofKind = <T>(kind: string, name: string) => CI_OBJECTS.find((o) => o.kind === kind && o.metadata.name === name) as unknown as T;
const PIPELINE = ofKind<{
  spec: { tasks: { name: string; taskRef: { name: string }; params: Param[]; workspaces: { name: string; workspace: string }[] }[] };
}>('Pipeline', 'build-and-push');
const TASKS = Object.fromEntries(
  ['git-clone', 'kaniko', 'deploy-image'].map((name) => [name, ofKind<{ spec: TaskSpec }>('Task', name).spec]),
);
const NAMESPACE_LABELS = ofKind<ApiObject>('Namespace', 'ci').metadata.labels as Record<string, string>;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

const condition = (run: Run | undefined) => run?.status?.conditions?.find((c) => c.type === 'Succeeded');
const param = (params: Param[] | undefined, name: string) => params?.find((p) => p.name === name)?.value;
const result = (run: Run, name: string) => run.status?.results?.find((r) => r.name === name)?.value;
/** The results a step reported in its termination message (what kwok's Stage wrote). */
const stepResults = (pod: Pod, container: string): Record<string, string> => {
  const message = pod.status.containerStatuses?.find((s) => s.name === container)?.state.terminated?.message ?? '[]';
  return Object.fromEntries((JSON.parse(message) as { key: string; value: string }[]).map((r) => [r.key, r.value]));
};

/** The containers a PodSecurity warning names (its quotes may come escaped: header, JSON log). */
const containersNamed = (warning: string) =>
  new Set(
    [...warning.matchAll(/containers? ((?:\\?"[^"\\]+\\?"(?:, )?)+)/g)].flatMap((m) =>
      [...m[1]!.matchAll(/\\?"([^"\\]+)\\?"/g)].map((n) => n[1]),
    ),
  );

const started: StartedProcess[] = [];
let controllerLog = '';
let controllerLogStart = 0;

/** Waits for the run to finish; fails with its conditions unless it Succeeded. */
async function succeeded(kind: 'PipelineRun' | 'TaskRun', name: string): Promise<Run> {
  const run = await eventually(
    `${kind} ${name} to finish`,
    async () => {
      const current = await api().get<Run>('tekton.dev/v1', kind, name, 'ci');
      return { done: condition(current)?.status === 'True' || condition(current)?.status === 'False', state: current };
    },
    120_000,
  );
  expect(condition(run)).toMatchObject({ status: 'True', reason: 'Succeeded' });
  return run!;
}

/** The same pod again, dry-run: the real admission's PodSecurity warnings name the failing containers. */
async function podSecurityWarnings(pod: Pod): Promise<string[]> {
  const copy = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { generateName: `${pod.metadata.name}-`, namespace: 'ci', labels: pod.metadata.labels },
    spec: { ...pod.spec, nodeName: undefined },
  };
  const answer = await api().create(copy as unknown as ApiObject, { dryRun: true });
  expect(answer.status).toBe(201);
  return answer.warnings.filter((w) => w.includes('PodSecurity'));
}

const taskRunsOf = async (pipelineRun: string) =>
  api().list<Run>('tekton.dev/v1', 'TaskRun', 'ci', `tekton.dev/pipelineRun=${pipelineRun}`);
const podOf = async (taskRun: Run) => (await api().get<Pod>('v1', 'Pod', taskRun.status!.podName!, 'ci'))!;

describe('the real Tekton Pipelines controller runs the PipelineRun a Gogs push creates', () => {
  let pipelineRun: Run;
  let taskRuns: Record<string, Run> = {};
  let pods: Record<string, Pod> = {};

  beforeAll(async () => {
    installCiExercise();
    // Runs the earlier suites' sinks created were never meant to run; the controller would run
    // them all (and fill the namespace's pod quota).
    expect(kubectl(['-n', 'ci', 'delete', 'pipelineruns,taskruns', '--all', '--wait=true']).status).toBe(0);
    // Stand-in for a storage provisioner: a volume the workspace's claim can bind to.
    expect(
      kubectl(
        ['create', '-f', '-'],
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'PersistentVolume',
          metadata: { generateName: 'pipeline-run-pv-' },
          spec: {
            capacity: { storage: '1Gi' },
            accessModes: ['ReadWriteOnce'],
            persistentVolumeReclaimPolicy: 'Retain',
            hostPath: { path: '/tmp/k8s-practice-pipeline-run-pv' },
          },
        }),
      ).status,
    ).toBe(0);

    controllerLog = join(CLUSTER_DIR, 'logs', 'pipelines-controller.log');
    try {
      controllerLogStart = statSync(controllerLog).size;
    } catch {
      controllerLogStart = 0;
    }
    // Without it, Tekton's own containers (prepare, place-scripts, the affinity assistant) carry
    // no securityContext: our namespace's enforce level (baseline) admits them, but they break
    // its restricted audit/warn level. Checked below.
    started.push((await startPipelinesController({ 'set-security-context': 'true' })).process);
    started.push((await startCoreInterceptors()).process);
    started.push(
      (
        await startSignatureInterceptor(
          'ci',
          'gogs-push-signature',
          ciConfigMapValue('gogs-push-signature', 'server.js'),
          GOGS_WEBHOOK_SECRET,
        )
      ).process,
    );
    const sink = await startEventListenerSink('ci', 'gogs-push', 'gogs-push-listener');
    started.push(sink.process);

    const response = await fetch(`${sink.url}/`, { method: 'POST', body: GOGS_BODY, headers: GOGS_HEADERS });
    expect(response.status).toBe(202);
    const { eventID } = (await response.json()) as { eventID: string };
    const [created] = await eventually(
      'the PipelineRun of the push',
      async () => {
        const runs = await api().list<Run>('tekton.dev/v1', 'PipelineRun', 'ci', `triggers.tekton.dev/triggers-eventid=${eventID}`);
        return { done: runs.length > 0, state: runs };
      },
      30_000,
    );
    pipelineRun = await succeeded('PipelineRun', created!.metadata.name!);
    const ms = Date.parse(pipelineRun.status!.completionTime!) - Date.parse(pipelineRun.status!.startTime!);
    console.log(`pipeline-run: PipelineRun ${pipelineRun.metadata.name} Succeeded ${ms} ms after it started`);
    taskRuns = Object.fromEntries(
      (await taskRunsOf(pipelineRun.metadata.name!)).map((tr) => [tr.metadata.labels!['tekton.dev/pipelineTask']!, tr]),
    );
    pods = Object.fromEntries(await Promise.all(Object.entries(taskRuns).map(async ([task, tr]) => [task, await podOf(tr)] as const)));
  }, 300_000);

  afterAll(async () => {
    for (const proc of started.reverse()) await stopProcess(proc);
  });

  test("one TaskRun per pipeline task, each of our Tasks, run in the Pipeline's order", () => {
    expect(Object.keys(taskRuns).sort()).toEqual(PIPELINE.spec.tasks.map((t) => t.name).sort());
    for (const task of PIPELINE.spec.tasks) {
      expect(taskRuns[task.name]!.metadata.labels!['tekton.dev/task']).toBe(task.taskRef.name);
      expect(condition(taskRuns[task.name])).toMatchObject({ status: 'True', reason: 'Succeeded' });
    }
    // build-and-push runs after fetch-source (runAfter).
    expect(Date.parse(taskRuns['build-and-push']!.status!.startTime!)).toBeGreaterThanOrEqual(
      Date.parse(taskRuns['fetch-source']!.status!.completionTime!),
    );
  });

  test('the TaskRuns get the params the Pipeline passes, resolved from the push', () => {
    const runParams = {
      'git-url': PUSH.repository.clone_url,
      'git-revision': PUSH.after,
      image: `registry.ci.svc.cluster.local:5000/gitadmin/demo-app:${PUSH.after.slice(0, 7)}`,
    };
    expect(Object.fromEntries((pipelineRun.spec.params ?? []).map((p) => [p.name, p.value]))).toEqual(runParams);
    for (const task of PIPELINE.spec.tasks) {
      const expected = Object.fromEntries(
        task.params.map((p) => [
          p.name,
          typeof p.value === 'string'
            ? p.value.replace(/\$\(params\.([\w-]+)\)/g, (_m, name: string) => runParams[name as keyof typeof runParams])
            : p.value,
        ]),
      );
      expect(Object.fromEntries((taskRuns[task.name]!.spec.params ?? []).map((p) => [p.name, p.value]))).toEqual(expected);
    }
  });

  test("TaskRuns and pods run as build-runner, with no API token mounted and the podTemplate's fsGroup", () => {
    for (const task of PIPELINE.spec.tasks) {
      expect(taskRuns[task.name]!.spec.serviceAccountName).toBe('build-runner');
      const pod = pods[task.name]!;
      expect(pod.spec.serviceAccountName).toBe('build-runner');
      // build-runner sets automountServiceAccountToken: false; the steps need no API access.
      expect(pod.spec.volumes.filter((v) => v.projected !== undefined || v.name.startsWith('kube-api-access'))).toEqual([]);
      expect(pod.spec.securityContext?.fsGroup).toBe(65532);
    }
  });

  test("each step runs our Task's image and command, its script and env with params substituted", () => {
    for (const task of PIPELINE.spec.tasks) {
      const taskSpec = TASKS[task.taskRef.name]!;
      const pod = pods[task.name]!;
      const scripts = placedScripts(pod.spec.initContainers ?? []);
      const params = Object.fromEntries((taskRuns[task.name]!.spec.params ?? []).map((p) => [p.name, p.value]));
      expect(pod.spec.containers.map((c) => c.name)).toEqual(taskSpec.steps.map((s) => `step-${s.name}`));
      taskSpec.steps.forEach((step, i) => {
        const container = pod.spec.containers[i]!;
        const want = expectedStep(taskSpec, step, params);
        const args = container.args ?? [];
        const flag = (name: string) => args[args.indexOf(name) + 1];
        expect({ step: step.name, image: container.image }).toEqual({ step: step.name, image: step.image });
        // Tekton's entrypoint wraps the step: it runs the command (or the placed script) after `--`.
        expect(container.command).toEqual(['/tekton/bin/entrypoint']);
        expect(args.slice(args.indexOf('--') + 1)).toEqual(want.args);
        if (want.script !== undefined) expect(scripts[flag('-entrypoint')!]).toBe(want.script);
        else expect(flag('-entrypoint')).toBe(want.command![0]);
        expect(container.env ?? []).toEqual(want.env);
        expect(container.workingDir).toBe(want.workingDir);
        expect(container.securityContext).toEqual(step.securityContext);
      });
    }
  });

  test("Tekton's own containers use the controller's images", () => {
    for (const pod of Object.values(pods)) {
      const images = Object.fromEntries((pod.spec.initContainers ?? []).map((c) => [c.name, c.image]));
      expect(images.prepare).toBe(PIPELINES_IMAGES.entrypoint);
      if (images['place-scripts'] !== undefined) expect(images['place-scripts']).toBe(PIPELINES_IMAGES.shell);
    }
    expect(pods['fetch-source']!.spec.initContainers?.map((c) => c.name)).toEqual(['prepare', 'place-scripts']);
  });

  test('both pods mount the one claim Tekton made from the volumeClaimTemplate, and their Task volumes', async () => {
    const claimOf = (pod: Pod) => pod.spec.volumes.filter((v) => v.persistentVolumeClaim).map((v) => v.persistentVolumeClaim!.claimName);
    const [claim] = claimOf(pods['fetch-source']!);
    expect(claimOf(pods['fetch-source']!)).toEqual([claim]);
    expect(claimOf(pods['build-and-push']!)).toEqual([claim]);
    const pvc = (await api().get<ApiObject & { spec: any }>('v1', 'PersistentVolumeClaim', claim!, 'ci'))!;
    expect(pvc.spec.resources.requests.storage).toBe('1Gi');
    expect(pvc.spec.accessModes).toEqual(['ReadWriteOnce']);
    const mountsOfClaim = (pod: Pod) =>
      pod.spec.containers.map(
        (c) => c.volumeMounts?.find((m) => pod.spec.volumes.find((v) => v.name === m.name)?.persistentVolumeClaim)?.mountPath,
      );
    // Each task mounts the Pipeline's `source` workspace under its own workspace name.
    expect(mountsOfClaim(pods['fetch-source']!)).toEqual(['/workspace/output']);
    expect(mountsOfClaim(pods['build-and-push']!)).toEqual(['/workspace/source', '/workspace/source']);
    // The optional dockerconfig workspace is not bound: nothing is mounted at its mountPath.
    expect(
      pods['build-and-push']!.spec.containers.flatMap((c) => c.volumeMounts ?? []).filter((m) => m.mountPath === '/kaniko/.docker'),
    ).toEqual([]);
    // git-clone's own scratch volume, an emptyDir, is its HOME.
    expect(pods['fetch-source']!.spec.volumes.find((v) => v.name === 'scratch')).toEqual({ name: 'scratch', emptyDir: {} });
    expect(pods['fetch-source']!.spec.containers[0]!.volumeMounts).toContainEqual({ name: 'scratch', mountPath: '/home/git' });
  });

  test('PodSecurity of ci admits the pods; of its restricted audit/warn level only the kaniko step (root by design) falls short', async () => {
    const namespace = (await api().get<ApiObject>('v1', 'Namespace', 'ci'))!;
    expect(namespace.metadata.labels).toMatchObject(NAMESPACE_LABELS);
    expect(NAMESPACE_LABELS['pod-security.kubernetes.io/enforce']).toBe('baseline');
    const warnings: Record<string, readonly string[]> = {};
    for (const [task, pod] of Object.entries(pods)) warnings[task] = await podSecurityWarnings(pod);
    expect(warnings['fetch-source']).toEqual([]);
    expect(warnings['build-and-push']).toHaveLength(1);
    expect(containersNamed(warnings['build-and-push']![0]!)).toEqual(new Set(['step-build-and-push']));
    // What the API server told the controller when it made the pods and the affinity
    // assistant's StatefulSet: the same, and nothing about Tekton's own containers.
    const told = readFileSync(controllerLog, 'utf8')
      .slice(controllerLogStart)
      .split('\n')
      .filter((l) => l.includes('would violate PodSecurity'));
    expect(told.length).toBeGreaterThanOrEqual(1);
    for (const line of told) expect(containersNamed(line)).toEqual(new Set(['step-build-and-push']));
  });

  test("the steps' results reach the TaskRuns, and the kaniko digest reaches the PipelineRun's results", () => {
    const build = stepResults(pods['build-and-push']!, 'step-build-and-push');
    const writeUrl = stepResults(pods['build-and-push']!, 'step-write-url');
    const clone = stepResults(pods['fetch-source']!, 'step-clone');
    // kwok's Stage wrote what each step writes: kaniko the digest file, write-url the URL.
    expect(Object.keys(build)).toEqual(['IMAGE_DIGEST']);
    expect(Object.keys(writeUrl)).toEqual(['IMAGE_URL']);
    expect(Object.keys(clone).sort()).toEqual(['commit', 'committer-date', 'url']);
    expect(build.IMAGE_DIGEST).toMatch(DIGEST);
    expect(result(taskRuns['build-and-push']!, 'IMAGE_DIGEST')).toBe(build.IMAGE_DIGEST);
    expect(result(taskRuns['build-and-push']!, 'IMAGE_URL')).toBe(writeUrl.IMAGE_URL);
    expect(result(taskRuns['fetch-source']!, 'commit')).toBe(clone.commit);
    expect(Object.fromEntries((pipelineRun.status?.results ?? []).map((r) => [r.name, r.value]))).toEqual({
      commit: clone.commit,
      IMAGE_DIGEST: build.IMAGE_DIGEST,
      IMAGE_URL: writeUrl.IMAGE_URL,
    });
  });

  // Our Pipeline ends with kaniko (the registry's push notification starts the deploy). To see a
  // result become the next TaskRun's param, this test's own Pipeline chains our kaniko and
  // deploy-image Tasks, as a user extending the exercise would.
  test('a result of our kaniko Task becomes the param of the next TaskRun', async () => {
    const pipeline = {
      apiVersion: 'tekton.dev/v1',
      kind: 'Pipeline',
      metadata: { name: 'test-build-then-deploy', namespace: 'ci' },
      spec: {
        workspaces: [{ name: 'source' }],
        tasks: [
          {
            name: 'build',
            taskRef: { name: 'kaniko' },
            params: [{ name: 'IMAGE', value: 'registry.ci.svc.cluster.local:5000/gitadmin/demo-app:test' }],
            workspaces: [{ name: 'source', workspace: 'source' }],
          },
          {
            name: 'deploy',
            taskRef: { name: 'deploy-image' },
            params: [
              { name: 'deployment', value: 'demo-app' },
              { name: 'container', value: 'demo-app' },
              { name: 'image', value: 'registry.ci.svc.cluster.local:5000/gitadmin/demo-app@$(tasks.build.results.IMAGE_DIGEST)' },
            ],
          },
        ],
      },
    };
    await api().delete('tekton.dev/v1', 'Pipeline', 'test-build-then-deploy', 'ci');
    expect((await api().create(pipeline as unknown as ApiObject)).status).toBe(201);
    const created = await api().create({
      apiVersion: 'tekton.dev/v1',
      kind: 'PipelineRun',
      metadata: { generateName: 'test-build-then-deploy-', namespace: 'ci' },
      spec: {
        pipelineRef: { name: 'test-build-then-deploy' },
        taskRunSpecs: [
          { pipelineTaskName: 'build', serviceAccountName: 'build-runner' },
          { pipelineTaskName: 'deploy', serviceAccountName: 'deploy-image' },
        ],
        workspaces: [{ name: 'source', emptyDir: {} }],
      },
    } as unknown as ApiObject);
    expect(created.status).toBe(201);
    const run = await succeeded('PipelineRun', (created.body as ApiObject).metadata.name!);
    const runs = Object.fromEntries(
      (await taskRunsOf(run.metadata.name!)).map((tr) => [tr.metadata.labels!['tekton.dev/pipelineTask']!, tr]),
    );
    const digest = stepResults(await podOf(runs.build!), 'step-build-and-push').IMAGE_DIGEST;
    expect(digest).toMatch(DIGEST);
    expect(param(runs.deploy!.spec.params, 'image')).toBe(`registry.ci.svc.cluster.local:5000/gitadmin/demo-app@${digest}`);
    expect(runs.deploy!.spec.serviceAccountName).toBe('deploy-image');
    // And the deploy step's kubectl gets it, substituted into its args.
    const deployPod = await podOf(runs.deploy!);
    const args = deployPod.spec.containers[0]!.args!;
    expect(args.slice(args.indexOf('--') + 1)).toEqual(
      expectedStep(
        TASKS['deploy-image']!,
        TASKS['deploy-image']!.steps[0]!,
        Object.fromEntries(runs.deploy!.spec.params!.map((p) => [p.name, p.value])),
        { 'context.taskRun.namespace': 'ci' },
      ).args,
    );
    expect(args).toContain(`demo-app=registry.ci.svc.cluster.local:5000/gitadmin/demo-app@${digest}`);
    await api().delete('tekton.dev/v1', 'Pipeline', 'test-build-then-deploy', 'ci');
  });

  test('every process of the local cluster, the controller included, listens on 127.0.0.1 only', () => {
    const sockets = listeningSockets();
    expect(sockets.some((s) => s.process === 'pipelines-controller')).toBe(true);
    expect(sockets.filter((s) => s.address !== '127.0.0.1')).toEqual([]);
  });

  // Why the suite sets the flag: Tekton's release default, restarted with it, on our git-clone
  // Task, whose own step is restricted-compliant.
  test('with Tekton\'s default set-security-context "false" baseline still admits the pod, but restricted reports Tekton\'s own containers', async () => {
    await stopProcess(started.find((p) => p.name === 'pipelines-controller')!);
    started.push((await startPipelinesController({ 'set-security-context': 'false' })).process);
    const created = await api().create({
      apiVersion: 'tekton.dev/v1',
      kind: 'TaskRun',
      metadata: { generateName: 'test-git-clone-', namespace: 'ci' },
      spec: {
        taskRef: { name: 'git-clone' },
        serviceAccountName: 'build-runner',
        params: [
          { name: 'url', value: PUSH.repository.clone_url },
          { name: 'revision', value: PUSH.after },
        ],
        workspaces: [{ name: 'output', emptyDir: {} }],
      },
    } as unknown as ApiObject);
    expect(created.status).toBe(201);
    const pod = await podOf(await succeeded('TaskRun', (created.body as ApiObject).metadata.name!));
    expect(pod.spec.initContainers?.map((c) => [c.name, c.securityContext])).toEqual([
      ['prepare', undefined],
      ['place-scripts', undefined],
    ]);
    const warnings = await podSecurityWarnings(pod);
    expect(warnings).toHaveLength(1);
    expect(containersNamed(warnings[0]!)).toEqual(new Set(['prepare', 'place-scripts']));
  });
});

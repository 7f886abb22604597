/**
 * Hostile input for the Tekton constructs and the demo app (see
 * synth-or-field-error.ts): valid YAML, or an Error naming the field.
 */
import * as fc from 'fast-check';
import {
  BuildPipeline,
  DemoApp,
  DeployImageTask,
  GitCloneTask,
  GogsPushTrigger,
  KanikoTask,
  ListenerNetworkPolicy,
  RegistryPushTrigger,
} from '../../../lib';
import * as arb from '../../support/arbitraries';
import { BUILD_PROJECT_QUOTA } from '../../../lib/constructs/project/project-quota';
import { synthOrFieldError, tally } from '../../support/synth-or-field-error';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);
const check = (property: fc.IProperty<any>) => fc.assert(property, { numRuns: RUNS });
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const repository = fc.oneof(
  fc.tuple(arb.valid.name, arb.valid.name).map(([o, r]) => `${o}/${r}`),
  fc.constantFrom('no-slash', 'a/b/c', 'Bad/Repo', ''),
);
const branch = fc.oneof(arb.valid.name, fc.constantFrom('feature/x', 'main', '', 'bad branch', "it's"));

afterAll(() => {
  console.log(
    `property cases (Tekton)\n${Object.entries(tally)
      .map(([name, t]) => `${name}: ${t.accepted + t.rejected} cases (${t.accepted} validated, ${t.rejected} field errors)`)
      .join('\n')}`,
  );
});

describe('Tekton constructs synthesize valid YAML or name the bad field', () => {
  test('GitCloneTask, KanikoTask', () =>
    check(
      fc.property(fc.record({ name: opt(arb.name), image: opt(arb.image) }), (p) => {
        synthOrFieldError('GitCloneTask', ['name', 'image'], (scope) => new GitCloneTask(scope, 'clone', p as any));
        // kaniko builds as root: admitted by baseline, refused (and reported) under restricted
        synthOrFieldError(
          'KanikoTask',
          ['name', 'image'],
          (scope) => new KanikoTask(scope, 'kaniko', p as any),
          'baseline',
          BUILD_PROJECT_QUOTA,
        );
      }),
    ));

  test('DeployImageTask', () =>
    check(
      fc.property(fc.record({ name: opt(arb.name), deployments: opt(fc.array(arb.name, { maxLength: 3 })), image: opt(arb.image) }), (p) =>
        synthOrFieldError('DeployImageTask', ['name', 'deployments', 'deployment', 'image'], (scope) => {
          const task = new DeployImageTask(scope, 'deploy', p as any);
          if (!p.deployments?.length) task.allowDeployment('demo-app');
        }),
      ),
    ));

  test('BuildPipeline + GogsPushTrigger', () =>
    check(
      fc.property(
        fc.oneof(
          fc.record({
            repositories: opt(
              fc.array(
                fc.tuple(arb.valid.name, arb.valid.name).map(([o, r]) => `${o}/${r}`),
                { minLength: 1, maxLength: 2 },
              ),
            ),
            branches: opt(fc.array(arb.valid.name, { minLength: 1, maxLength: 2 })),
            workspaceSize: opt(fc.constantFrom('1Gi', '500Mi')),
          }),
          fc.record({
            name: opt(arb.name),
            repositories: opt(fc.array(repository, { maxLength: 2 })),
            branches: opt(fc.array(branch, { maxLength: 2 })),
            workspaceSize: opt(arb.quantity),
            registryHost: opt(fc.constantFrom('registry.ci.svc.cluster.local:5000', 'localhost:30500', 'bad host', '')),
            tokenSecret: opt(fc.record({ name: arb.name, key: fc.constantFrom('token', 'bad key') })),
          }),
        ),
        (p: any) =>
          synthOrFieldError(
            'GogsPushTrigger',
            ['name', 'repositories', 'branches', 'workspaceSize', 'registryHost', 'tokenSecret', 'storageClassName', 'pipeline'],
            (scope) => {
              new GogsPushTrigger(scope, 'trigger', { ...(p as any), pipeline: new BuildPipeline(scope, 'pipeline') });
            },
            'baseline',
            BUILD_PROJECT_QUOTA,
          ),
      ),
    ));

  test('RegistryPushTrigger + DeployImageTask + ListenerNetworkPolicy', () =>
    check(
      fc.property(
        fc.oneof(
          fc.record({
            deployment: arb.valid.name,
            repository: fc.tuple(arb.valid.name, arb.valid.name).map(([o, r]) => `${o}/${r}`),
            imageHost: opt(fc.constantFrom('localhost:30500', 'registry.local')),
            senderLabels: arb.valid.labels,
          }),
          fc.record({
            name: opt(arb.name),
            deployment: arb.name,
            container: opt(arb.name),
            repository,
            tokenHeader: opt(fc.constantFrom('X-Registry-Token', 'Authorization', 'bad header', '')),
            imageHost: opt(fc.constantFrom('localhost:30500', 'registry.local', 'bad host', '')),
            senderLabels: arb.labels,
          }),
        ),
        (p: any) =>
          synthOrFieldError(
            'RegistryPushTrigger',
            ['name', 'deployment', 'container', 'repository', 'tokenHeader', 'imageHost', 'tokenSecret', 'from', 'deployTask'],
            (scope) => {
              // senderLabels is the policy's, not a trigger prop (the trigger refuses props it does not take)
              const { senderLabels, ...props } = p;
              const trigger = new RegistryPushTrigger(scope, 'trigger', {
                ...props,
                deployTask: new DeployImageTask(scope, 'deploy'),
              });
              new ListenerNetworkPolicy(scope, 'policy', { listener: trigger.listener, from: [{ podLabels: senderLabels }] });
            },
          ),
      ),
    ));

  test('DemoApp', () =>
    check(
      fc.property(fc.record({ name: opt(arb.name), initialImage: opt(arb.image) }), (p) =>
        synthOrFieldError('DemoApp', ['name', 'initialImage'], (scope) => new DemoApp(scope, 'app', p as any)),
      ),
    ));
});

/**
 * The commands that finish exercise 8 have one source (lib/exercises/ci-setup.ts): the docs
 * show them as generated (docs/generated/ci-setup.md, kept current by generated-files.test.ts), no
 * other doc repeats them with other names, and their names are the names in dist/. (The real-Gogs
 * test runs them; see test/cluster/09-gogs.cluster.test.ts.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Testing } from 'cdk8s';
import { CiPipelineExercise } from '../../lib/exercises/ci-pipeline-exercise';
import { adminCreateUserArgs, ciSetup, renderCiSetup, webhookRequest } from '../../lib/exercises/ci-setup';
import { ciSetupBlock, ciSetupPage } from '../../scripts/generate/ci-setup';
import { docPages } from './doc-pages';

const ROOT = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const exercise = new CiPipelineExercise(new App(), 'ci');
const setup = ciSetup(exercise);
const objects = Testing.synth(exercise) as any[];

test('the generated page holds the commands, and exercise 8 links to it', () => {
  expect(read(ciSetupPage.output)).toContain(ciSetupBlock());
  expect(read('docs/exercises/08-ci-pipeline.md')).toContain('](../generated/ci-setup.md)');
});

test('no other doc gives its own admin, Secret or webhook commands for exercise 8', () => {
  for (const file of ['docs/ci-servers.md', 'docs/tekton.md']) {
    const text = read(file);
    expect({ file, adminCommands: text.match(/admin create-user --name/g) ?? [] }).toEqual({ file, adminCommands: [] });
    expect({ file, secretCommands: text.match(/create secret generic (gogs|registry)-/g) ?? [] }).toEqual({ file, secretCommands: [] });
    expect({ file, tokensInUrls: text.match(/\?token=/g) ?? [] }).toEqual({ file, tokensInUrls: [] });
  }
  // docs/api/ renders the constructs' doc comments, whose example names no real admin (ADMIN).
  for (const file of docPages().filter((page) => page !== ciSetupPage.output && !page.startsWith('docs/api/'))) {
    expect({ file, adminCommands: read(file).match(/admin create-user --name/g) ?? [] }).toEqual({ file, adminCommands: [] });
  }
});

test('the commands use the names the synthesized objects use', () => {
  // The admin owns the one repository the gogs-push listener accepts.
  const listener = objects.find((o) => o.kind === 'EventListener' && o.metadata.name === 'gogs-push');
  const filter: string = listener.spec.triggers[0].interceptors.find((i: any) => i.ref.name === 'cel').params.find((p: any) => p.name === 'filter').value;
  expect(filter).toContain(`body.repository.full_name in ['${setup.admin.name}/${setup.repository.name}']`);
  // Every Secret the commands create is one a synthesized object references, and the other way round.
  const referenced = new Set(JSON.stringify(objects).match(/"(secretName|name)":"(gogs-secret-key|gogs-webhook-secret|registry-webhook-token)"/g)?.map((m) => m.split(':')[1]!.replace(/"/g, '')));
  expect(setup.secrets.map((s) => s.secret.name).sort()).toEqual([...referenced].sort());
  // The webhook goes to the listener host Gogs' allowlist names; the clone URL the filter pins is Gogs' EXTERNAL_URL.
  const appIni: string = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'gogs-config').data['app.ini'];
  expect(appIni).toContain(`LOCAL_NETWORK_ALLOWLIST = ${new URL(setup.webhook.url).hostname}`);
  expect(exercise.gogsPush.gogsUrl).toBe(exercise.gogs.externalUrl);
  expect(setup.gogs.pod).toBe(`${objects.find((o) => o.kind === 'StatefulSet').metadata.name}-0`);
});

test('the request bodies and argv are what the docs render', () => {
  const rendered = renderCiSetup(setup);
  expect(rendered).toContain(adminCreateUserArgs(setup, '"$p"').join(' '));
  const hook = JSON.stringify(webhookRequest(setup, 'X').body).replace('"X"', `"'"$WEBHOOK_SECRET"'"`);
  expect(rendered).toContain(hook);
  expect(rendered).not.toMatch(/--from-literal|\?token=/);
});

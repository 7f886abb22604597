/**
 * What a learner types to finish exercise 8 after `kubectl apply`: the Secrets, the Gogs admin,
 * the repository and its webhook — computed from the exercise's constructs, so the names in the
 * commands cannot drift from the names in dist/. The README renders it (`renderCiSetup`), and the
 * real-Gogs test runs the same Gogs command and API requests.
 */
import { SecretKeyReference } from '../util/secret-key-reference';
import { CiPipelineExercise, DEMO_REPOSITORY } from './ci-pipeline-exercise';

/** A Secret created out of band, with a random value of `bytes` bytes (hex). */
export interface SetupSecret {
  readonly secret: SecretKeyReference;
  readonly bytes: number;
  readonly why: string;
}

/** An HTTP request to Gogs' API (`/api/v1` + path), made with an access token. */
export interface GogsApiRequest {
  readonly method: 'POST';
  readonly path: string;
  readonly body: Record<string, unknown>;
}

export interface CiSetup {
  readonly namespace: string;
  readonly secrets: readonly SetupSecret[];
  /** The Gogs admin: the owner of the repository the listener accepts. */
  readonly admin: { readonly name: string; readonly email: string };
  readonly repository: { readonly owner: string; readonly name: string };
  /** Where `gogs admin` runs: the pod, its binary and its app.ini. */
  readonly gogs: { readonly pod: string; readonly binary: string; readonly config: string; readonly apiUrl: string };
  /** The webhook Gogs delivers: the listener URL (nothing secret in it) and the signing secret. */
  readonly webhook: { readonly url: string; readonly secret: SecretKeyReference };
}

/** The setup of a CI exercise chart. */
export function ciSetup(exercise: CiPipelineExercise): CiSetup {
  const [owner = '', name = ''] = DEMO_REPOSITORY.split('/');
  const webhookSecret = exercise.gogsPush.signatureInterceptor?.secret;
  if (!webhookSecret)
    throw new Error('the CI exercise authenticates Gogs deliveries by signature; its trigger has no signature interceptor');
  return {
    namespace: exercise.namespaceName,
    secrets: [
      { secret: exercise.gogs.secretKey, bytes: 32, why: "Gogs' SECRET_KEY (signs cookies and tokens)" },
      {
        secret: webhookSecret,
        bytes: 32,
        why: 'the Gogs webhook secret: Gogs signs every delivery with it, the signature interceptor checks it',
      },
      {
        secret: exercise.registryPush.tokenSecret,
        bytes: 20,
        why: 'the token the registry sends with its notifications, checked by the registry-push listener',
      },
    ],
    admin: { name: owner, email: `${owner}@example.com` },
    repository: { owner, name },
    gogs: {
      pod: `${exercise.gogs.name}-0`,
      binary: '/app/gogs/gogs',
      config: '/etc/gogs/app.ini',
      apiUrl: `${exercise.gogs.externalUrl}api/v1`,
    },
    webhook: { url: exercise.gogsPush.listenerUrl, secret: webhookSecret },
  };
}

/** `gogs admin create-user ...` arguments (after the binary). */
export function adminCreateUserArgs(setup: CiSetup, password: string, config = setup.gogs.config): string[] {
  return [
    'admin',
    'create-user',
    '--name',
    setup.admin.name,
    '--password',
    password,
    '--email',
    setup.admin.email,
    '--admin',
    '--config',
    config,
  ];
}

/** The API request that creates the repository, public: the clone step reads it without credentials. */
export function repositoryRequest(setup: CiSetup): GogsApiRequest {
  return { method: 'POST', path: `/admin/users/${setup.admin.name}/repos`, body: { name: setup.repository.name, private: false } };
}

/** The API request that adds the push webhook, signed with `secret`; `url` defaults to the listener's. */
export function webhookRequest(setup: CiSetup, secret: string, url = setup.webhook.url): GogsApiRequest {
  return {
    method: 'POST',
    path: `/repos/${setup.repository.owner}/${setup.repository.name}/hooks`,
    body: { type: 'gogs', active: true, events: ['push'], config: { url, content_type: 'json', secret } },
  };
}

const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/** The commands as a Markdown shell block, for docs/generated/ci-setup.md. Secret values never appear: they are read or generated. */
export function renderCiSetup(setup: CiSetup): string {
  const ns = setup.namespace;
  const secretLines = setup.secrets.map(
    ({ secret, bytes, why }) =>
      `# ${why}\nopenssl rand -hex ${bytes} | tr -d '\\n' | kubectl -n ${ns} create secret generic ${secret.name} --from-file=${secret.key}=/dev/stdin`,
  );
  const admin = adminCreateUserArgs(setup, '"$p"').map((a) => (a === '"$p"' ? a : shellQuote(a)).replace(/^'([-A-Za-z0-9_./@:]+)'$/, '$1'));
  // Request bodies go through stdin (printf is a shell builtin): no secret in any process's arguments.
  const api = (request: GogsApiRequest, body: string) =>
    `printf '%s' ${body} | curl -fsS -X ${request.method} -H "Authorization: token $GOGS_TOKEN" \\\n  -H 'Content-Type: application/json' "$GOGS${request.path}" -d @-`;
  const repo = repositoryRequest(setup);
  const hook = webhookRequest(setup, '__SECRET__');
  const hookBody = `'${JSON.stringify(hook.body).replace('"__SECRET__"', `"'"$WEBHOOK_SECRET"'"`)}'`;
  return [
    '```sh',
    `# 1. The Secrets the manifests reference by name (values through a pipe, never on a command line;`,
    `#    without the newline openssl prints, which a Secret would keep and Gogs' webhook form would not)`,
    ...secretLines,
    '',
    `# 2. The Gogs admin, who owns ${setup.repository.owner}/${setup.repository.name} (the only repository the listener accepts);`,
    '#    the password is typed at a prompt and read inside the pod',
    `kubectl -n ${ns} wait --for=condition=Ready pod/${setup.gogs.pod} --timeout=180s`,
    "read -rs -p 'Gogs admin password: ' GOGS_PASSWORD && echo",
    `printf '%s\\n' "$GOGS_PASSWORD" | kubectl -n ${ns} exec -i ${setup.gogs.pod} -- sh -c \\`,
    `  ${shellQuote(`read -r p && exec ${setup.gogs.binary} ${admin.join(' ')}`)}`,
    '',
    `# 3. An API token (Gogs 0.14 takes the password only for this), then the repository (public: the`,
    `#    clone step reads it without credentials) and its push webhook, signed with the webhook secret`,
    `kubectl -n ${ns} port-forward svc/gogs 3000 & GOGS=http://localhost:3000/api/v1`,
    'until curl -fs -o /dev/null http://localhost:3000/healthcheck; do sleep 1; done   # until the port-forward answers',
    `GOGS_TOKEN=$(printf 'user = "%s:%s"\\n' ${setup.admin.name} "$GOGS_PASSWORD" | curl -fsS -K - -H 'Content-Type: application/json' \\`,
    `  "$GOGS/users/${setup.admin.name}/tokens" -d '{"name":"setup"}' | sed 's/.*"sha1":"\\([0-9a-f]*\\)".*/\\1/'); unset GOGS_PASSWORD`,
    api(repo, shellQuote(JSON.stringify(repo.body))),
    `WEBHOOK_SECRET=$(kubectl -n ${ns} get secret ${setup.webhook.secret.name} -o jsonpath='{.data.${setup.webhook.secret.key}}' | base64 -d)`,
    api(hook, hookBody),
    'unset WEBHOOK_SECRET GOGS_TOKEN',
    '```',
  ].join('\n');
}

/**
 * Helpers of the exercise 8 end-to-end suite: port-forwards that say which local port they got,
 * Gogs' record of its webhook deliveries (its settings page: Gogs 0.14's API has none), the
 * registry's answer for a tag, and the Tekton runs a trigger made.
 */
import { kubectlAsync } from '../support';
import { shInBackground } from './support';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A running `kubectl port-forward` on a port the kernel chose, and how to stop it. */
export interface PortForward {
  readonly url: string;
  readonly stop: () => Promise<void>;
}

/**
 * `kubectl -n NS port-forward TARGET :PORT`: waits for kubectl's "Forwarding from
 * 127.0.0.1:N" line and resolves with `http://127.0.0.1:N`.
 */
export async function portForward(namespace: string, target: string, port: number, timeoutMs = 30_000): Promise<PortForward> {
  const forward = shInBackground(`kubectl -n ${namespace} port-forward ${target} :${port}`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(forward.output());
    if (match) return { url: `http://127.0.0.1:${match[1]}`, stop: forward.stop };
    if (Date.now() > deadline) {
      await forward.stop();
      throw new Error(`kubectl port-forward ${target} did not start: ${forward.output()}`);
    }
    await sleep(100);
  }
}

/** One entry of a Gogs webhook's "Recent deliveries". */
export interface GogsDelivery {
  readonly uuid: string;
  readonly succeeded: boolean;
  /** The HTTP status the receiver answered (undefined when Gogs recorded no response). */
  readonly status?: number;
  /** The request headers Gogs sent, as it lists them. */
  readonly headers: Readonly<Record<string, string>>;
  /** The payload Gogs sent (JSON text). */
  readonly payload: string;
}

const unescapeHtml = (text: string) =>
  text
    .replace(/&#34;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

/** The cookies a response sets, merged into `jar` (name=value only). */
function keepCookies(jar: Map<string, string>, response: Response): void {
  for (const cookie of response.headers.getSetCookie()) {
    const [pair] = cookie.split(';');
    const at = pair!.indexOf('=');
    if (at > 0) jar.set(pair!.slice(0, at), pair!.slice(at + 1));
  }
}
const cookieHeader = (jar: Map<string, string>) => [...jar].map(([name, value]) => `${name}=${value}`).join('; ');

/**
 * Signs in to Gogs' web UI as `user` and reads the "Recent deliveries" of one webhook
 * (templates/repo/settings/webhook/history.tmpl): what Gogs sent and what it was answered.
 */
export async function gogsDeliveries(
  gogsUrl: string,
  user: { name: string; password: string },
  repo: string,
  hookId: number,
): Promise<GogsDelivery[]> {
  const jar = new Map<string, string>();
  const loginPage = await fetch(`${gogsUrl}/user/login`);
  keepCookies(jar, loginPage);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await loginPage.text())?.[1];
  if (!csrf) throw new Error("Gogs' sign-in page has no _csrf field");
  const signIn = await fetch(`${gogsUrl}/user/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieHeader(jar) },
    body: new URLSearchParams({ _csrf: csrf, user_name: user.name, password: user.password }).toString(),
  });
  keepCookies(jar, signIn);
  if (signIn.status !== 302) throw new Error(`signing in to Gogs as ${user.name} answered ${signIn.status}`);
  const page = await fetch(`${gogsUrl}/${repo}/settings/hooks/${hookId}`, { headers: { cookie: cookieHeader(jar) } });
  if (page.status !== 200) throw new Error(`Gogs' webhook page ${repo}/settings/hooks/${hookId} answered ${page.status}`);
  const html = await page.text();
  return html
    .split('<div class="item">')
    .slice(1)
    .filter((item) => item.includes('data-target="#info-'))
    .map((item) => {
      const uuid = />([0-9a-f-]{36})<\/a>/.exec(item)?.[1] ?? '';
      const status = /<span class="ui (?:green|red) label">(\d+)<\/span>/.exec(item)?.[1];
      const headers = Object.fromEntries(
        [...item.matchAll(/<strong>([A-Za-z-]+):<\/strong> ([^\n<]*)/g)].map((m) => [m[1]!, unescapeHtml(m[2]!.trim())]),
      );
      const payload = unescapeHtml(/<code class="json">([\s\S]*?)<\/code>/.exec(item)?.[1] ?? '');
      return {
        uuid,
        succeeded: item.includes('octicon-check'),
        status: status === undefined ? undefined : Number(status),
        headers,
        payload,
      };
    });
}

/** The digest the registry answers for `repository:tag` (Docker-Content-Digest), or undefined. */
export async function registryDigest(registryUrl: string, repository: string, tag: string): Promise<string | undefined> {
  const response = await fetch(`${registryUrl}/v2/${repository}/manifests/${tag}`, {
    method: 'HEAD',
    headers: {
      accept: [
        'application/vnd.docker.distribution.manifest.v2+json',
        'application/vnd.oci.image.manifest.v1+json',
        'application/vnd.docker.distribution.manifest.list.v2+json',
        'application/vnd.oci.image.index.v1+json',
      ].join(', '),
    },
  });
  return response.status === 200 ? (response.headers.get('docker-content-digest') ?? undefined) : undefined;
}

/** The parts of a PipelineRun or TaskRun the suite reads. */
export interface TektonRun {
  metadata: { name: string; creationTimestamp: string; labels?: Record<string, string> };
  spec: { params?: { name: string; value: unknown }[] };
  status?: {
    startTime?: string;
    completionTime?: string;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    results?: { name: string; value: unknown }[];
    childReferences?: { name: string; pipelineTaskName: string }[];
    podName?: string;
  };
}

export const paramOf = (run: TektonRun, name: string) => run.spec.params?.find((p) => p.name === name)?.value;
export const resultOf = (run: TektonRun, name: string) => run.status?.results?.find((r) => r.name === name)?.value;
/** 'True' (succeeded), 'False' (failed) or 'Unknown' (running). */
export const succeeded = (run: TektonRun) => run.status?.conditions?.find((c) => c.type === 'Succeeded');

/**
 * When each hop of one push was first seen, by polling the API every 250 ms from the push on
 * (the API's own timestamps have whole seconds only): the PipelineRun for `commit`, its
 * git-clone and kaniko TaskRuns finishing, and the registry listener's deploy TaskRun created
 * and finished.
 */
export class PushTimeline {
  private readonly seen = new Map<string, number>();
  private stopped = false;
  private readonly polling: Promise<void>;

  constructor(
    private readonly namespace: string,
    private readonly commit: string,
    private readonly pushedAt: number,
  ) {
    this.polling = this.poll();
  }

  private mark(hop: string, when: boolean): void {
    if (when && !this.seen.has(hop)) this.seen.set(hop, Date.now());
  }

  private async poll(): Promise<void> {
    while (!this.stopped) {
      const listed = await kubectlAsync(['-n', this.namespace, 'get', 'pipelineruns,taskruns', '-o', 'json']);
      if (listed.status === 0) {
        const runs = (JSON.parse(listed.stdout) as { items: (TektonRun & { kind: string })[] }).items;
        const pipelineRun = runs.find((r) => r.kind === 'PipelineRun' && paramOf(r, 'git-revision') === this.commit);
        this.mark('PipelineRun created', pipelineRun !== undefined);
        const child = (task: string) =>
          runs.find(
            (r) =>
              r.kind === 'TaskRun' &&
              r.metadata.labels?.['tekton.dev/pipelineTask'] === task &&
              r.metadata.labels?.['tekton.dev/pipelineRun'] === pipelineRun?.metadata.name,
          );
        const done = (run: TektonRun | undefined) => run !== undefined && succeeded(run)?.status === 'True';
        this.mark('git-clone done', done(child('fetch-source')));
        this.mark('kaniko build and push done', done(child('build-and-push')));
        const deploy = runs.find(
          (r) => r.kind === 'TaskRun' && r.metadata.labels?.['triggers.tekton.dev/eventlistener'] === 'registry-push',
        );
        this.mark('registry notification -> deploy TaskRun created', deploy !== undefined);
        this.mark('deploy TaskRun done', done(deploy));
      }
      await sleep(250);
    }
  }

  /** Stops polling; returns each hop's seconds since the one before, ending at `servingAt`. */
  async finish(servingAt: number): Promise<{ hop: string; seconds: number }[]> {
    this.stopped = true;
    await this.polling;
    const marks = [...this.seen].sort((a, b) => a[1] - b[1]);
    marks.push(['new demo-app pod serving the pushed page', servingAt]);
    let previous = this.pushedAt;
    return marks.map(([hop, at]) => {
      const seconds = (at - previous) / 1000;
      previous = at;
      return { hop, seconds };
    });
  }
}

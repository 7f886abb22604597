/**
 * What a Task's step should look like in the pod Tekton makes of it, computed from the Task in
 * dist/ and the TaskRun's params: the test's own, independent statement of Tekton's variable
 * substitution ($(params.x), $(params.x[*]), $(workspaces.x.path), $(results.x.path)), and the
 * reader of the scripts Tekton's place-scripts init container writes.
 */

export interface StepSpec {
  readonly name: string;
  readonly image: string;
  readonly command?: string[];
  readonly args?: string[];
  readonly script?: string;
  readonly workingDir?: string;
  readonly env?: { name: string; value?: string }[];
  readonly securityContext?: unknown;
}

export interface TaskSpec {
  readonly params?: { name: string; default?: string | string[] }[];
  readonly workspaces?: { name: string; mountPath?: string }[];
  readonly steps: StepSpec[];
}

export interface ExpectedStep {
  readonly command?: string[];
  readonly args: string[];
  readonly script?: string;
  readonly workingDir?: string;
  /** As the API server returns it: an empty value is omitted. */
  readonly env: { name: string; value?: string }[];
}

const VARIABLE = /\$\(((?:params|workspaces|results|context)\.[^)]+)\)/g;

/** The step with its variables replaced; params not given take the Task's defaults. */
export function expectedStep(
  task: TaskSpec,
  step: StepSpec,
  params: Record<string, string | string[]>,
  extra: Record<string, string> = {},
): ExpectedStep {
  const values: Record<string, string | string[]> = { ...extra };
  for (const p of task.params ?? []) {
    const value = params[p.name] ?? p.default;
    if (value !== undefined) values[`params.${p.name}`] = value;
  }
  for (const w of task.workspaces ?? []) values[`workspaces.${w.name}.path`] = w.mountPath ?? `/workspace/${w.name}`;
  const substitute = (text: string) =>
    text.replace(VARIABLE, (whole, name: string) => {
      const value = values[name];
      if (typeof value === 'string') return value;
      const result = /^results\.([\w-]+)\.path$/.exec(name);
      return result ? `/tekton/results/${result[1]}` : whole; // unknown: left as is, so a test shows it
    });
  // An array param used as a whole argument becomes that many arguments.
  const expand = (items: readonly string[]) =>
    items.flatMap((item) => {
      const array = /^\$\(params\.([\w-]+)\[\*\]\)$/.exec(item);
      const value = array ? values[`params.${array[1]}`] : undefined;
      return Array.isArray(value) ? value : [substitute(item)];
    });
  return {
    ...(step.command ? { command: expand(step.command) } : {}),
    args: expand(step.args ?? []),
    ...(step.script !== undefined ? { script: substitute(step.script) } : {}),
    ...(step.workingDir !== undefined ? { workingDir: substitute(step.workingDir) } : {}),
    env: (step.env ?? []).map((e) => {
      const value = e.value === undefined ? undefined : substitute(e.value);
      return value ? { name: e.name, value } : { name: e.name };
    }),
  };
}

/** The scripts place-scripts writes (file -> decoded content), read from its shell program. */
export function placedScripts(initContainers: readonly { name: string; args?: string[] }[]): Record<string, string> {
  const program = initContainers.find((c) => c.name === 'place-scripts')?.args?.join('\n') ?? '';
  const scripts: Record<string, string> = {};
  for (const m of program.matchAll(/scriptfile="([^"]+)"\n[\s\S]*?<< '_EOF_'\n([\s\S]*?)\n_EOF_\n/g)) {
    scripts[m[1]!] = Buffer.from(m[2]!.trim(), 'base64').toString('utf8');
  }
  return scripts;
}

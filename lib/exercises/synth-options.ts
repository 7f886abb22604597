import { ImageMirror } from './image-mirror';
import { ExerciseOptions } from './exercise-options';

/** What `npm run synth -- [EXERCISE...] [--option=value...]` asks for. */
export interface SynthRequest {
  /** The exercise options from the arguments and the environment. */
  readonly options: ExerciseOptions;
  /** Whether any option differs from the default, i.e. the output is not the committed dist/. */
  readonly customized: boolean;
  /** `--help` or `-h` was given: print SYNTH_USAGE and synthesize nothing. */
  readonly help?: boolean;
}

/** The environment variables `npm run synth` reads; a command-line option wins over its variable. */
export const SYNTH_ENV = {
  namespacePrefix: 'K8S_PRACTICE_NAMESPACE_PREFIX',
  namespaceSuffix: 'K8S_PRACTICE_NAMESPACE_SUFFIX',
  imageRegistry: 'K8S_PRACTICE_IMAGE_REGISTRY',
  images: 'K8S_PRACTICE_IMAGES',
  nodePort: 'K8S_PRACTICE_NODE_PORT',
} as const;

export const SYNTH_USAGE = `usage: npm run synth -- [EXERCISE...] [options]
  EXERCISE                   a number (03, 3) or id (03-expose-nodeport); default: every exercise
  --namespace-prefix=P       prepend P to every namespace       (env ${SYNTH_ENV.namespacePrefix})
  --namespace-suffix=S       append S to every namespace        (env ${SYNTH_ENV.namespaceSuffix})
  --image-registry=R         pull every image from registry R   (env ${SYNTH_ENV.imageRegistry})
  --image=FROM=TO            replace image FROM by pinned TO, repeatable (env ${SYNTH_ENV.images}: FROM=TO,FROM=TO)
  --node-port=N              node port of exercise 03           (env ${SYNTH_ENV.nodePort})
  --help, -h                 print this usage and synthesize nothing`;

function parseImagePairs(text: string, where: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const item of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const eq = item.indexOf('=');
    if (eq <= 0 || eq === item.length - 1)
      throw new Error(
        `${where}: invalid image override ${JSON.stringify(item)}; expected FROM=TO, e.g. docker.io/library/busybox:1.36=registry.local/busybox:1.36`,
      );
    pairs[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return pairs;
}

function parseNodePort(text: string, where: string): number {
  if (!/^\d+$/.test(text)) throw new Error(`${where}: invalid node port ${JSON.stringify(text)}; expected an integer from 30000 to 32767`);
  return Number(text);
}

/**
 * Reads the exercise selection and options from the command line and the
 * environment. Throws one Error naming the argument or variable on a mistake.
 */
export function parseSynthArgs(argv: readonly string[], env: NodeJS.ProcessEnv = {}): SynthRequest {
  // Help wins over everything else on the line, even a mistake.
  if (argv.includes('--help') || argv.includes('-h')) return { options: {}, customized: false, help: true };
  const only: string[] = [];
  let namespacePrefix = env[SYNTH_ENV.namespacePrefix] || undefined;
  let namespaceSuffix = env[SYNTH_ENV.namespaceSuffix] || undefined;
  let registry = env[SYNTH_ENV.imageRegistry] || undefined;
  const overrides: Record<string, string> = env[SYNTH_ENV.images] ? parseImagePairs(env[SYNTH_ENV.images]!, SYNTH_ENV.images) : {};
  let nodePort = env[SYNTH_ENV.nodePort] ? parseNodePort(env[SYNTH_ENV.nodePort]!, SYNTH_ENV.nodePort) : undefined;
  for (const arg of argv) {
    const match = /^--([a-z-]+)=(.*)$/s.exec(arg);
    if (!arg.startsWith('-')) {
      only.push(arg);
    } else if (!match) {
      throw new Error(`synth: unknown argument ${JSON.stringify(arg)}; expected exercise numbers and --option=value\n${SYNTH_USAGE}`);
    } else {
      // Neither group is optional: both exist after a match.
      const name = match[1]!;
      const value = match[2]!;
      if (name === 'namespace-prefix') namespacePrefix = value;
      else if (name === 'namespace-suffix') namespaceSuffix = value;
      else if (name === 'image-registry') registry = value;
      else if (name === 'image') Object.assign(overrides, parseImagePairs(value, '--image'));
      else if (name === 'node-port') nodePort = parseNodePort(value, '--node-port');
      else throw new Error(`synth: unknown option --${name}\n${SYNTH_USAGE}`);
    }
  }
  const imageMirror: ImageMirror | undefined =
    registry !== undefined || Object.keys(overrides).length > 0
      ? { ...(registry !== undefined ? { registry } : {}), ...(Object.keys(overrides).length ? { overrides } : {}) }
      : undefined;
  const options: ExerciseOptions = {
    ...(only.length ? { only } : {}),
    ...(namespacePrefix !== undefined ? { namespacePrefix } : {}),
    ...(namespaceSuffix !== undefined ? { namespaceSuffix } : {}),
    ...(imageMirror ? { imageMirror } : {}),
    ...(nodePort !== undefined ? { nodePort } : {}),
  };
  return { options, customized: Object.keys(options).length > 0 };
}

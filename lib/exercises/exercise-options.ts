import { ImageMirror, checkImageMirror } from './image-mirror';
import { DNS_LABEL_RULE, NODE_PORT_RULE, isDnsLabel, isNodePort } from '../util/k8s-syntax';
import { PropError } from '../util/props-check';

/**
 * What a class, a private mirror or an air-gapped cluster changes in the
 * exercises, without editing library source. With no options every exercise
 * is exactly what `dist/` holds.
 */
export interface ExerciseOptions {
  /**
   * Exercises to build, by number (`'03'`, `'3'`) or id (`'03-expose-nodeport'`).
   * @default every exercise
   */
  readonly only?: readonly string[];

  /**
   * Prepended to every exercise namespace (`kim-` gives `kim-pod-basics`), so
   * learners sharing a cluster do not collide. The result must stay a DNS label.
   * @default no prefix
   */
  readonly namespacePrefix?: string;

  /**
   * Appended to every exercise namespace (`-kim` gives `pod-basics-kim`).
   * @default no suffix
   */
  readonly namespaceSuffix?: string;

  /**
   * Pull every image from a mirror, and/or replace single images; every image stays pinned.
   * @default the public registries
   */
  readonly imageMirror?: ImageMirror;

  /**
   * Node port of the NodePort exercise (03), 30000-32767.
   * @default 30080 (EXERCISE_NODE_PORT)
   */
  readonly nodePort?: number;
}

/** Props every exercise chart takes. */
export interface ExerciseProps {
  /**
   * The exercise's namespace.
   * @default the exercise's own namespace (`pod-basics`, `expose-clusterip`, ...)
   */
  readonly namespace?: string;
}

/** The namespace an exercise gets under the options; throws naming the option when it is not a DNS label. */
export function exerciseNamespace(namespace: string, options: ExerciseOptions = {}): string {
  const prefix = options.namespacePrefix ?? '';
  const suffix = options.namespaceSuffix ?? '';
  for (const [field, value] of [
    ['namespacePrefix', prefix],
    ['namespaceSuffix', suffix],
  ] as const) {
    if (typeof value !== 'string') throw new PropError('exercise options', field, value, 'a string');
  }
  const result = `${prefix}${namespace}${suffix}`;
  if (!isDnsLabel(result)) {
    throw new Error(
      `exercise options: invalid namespacePrefix ${JSON.stringify(prefix)} / namespaceSuffix ${JSON.stringify(suffix)}: ` +
        `namespace ${JSON.stringify(result)} is not ${DNS_LABEL_RULE}`,
    );
  }
  return result;
}

/** Checks the options that are not checked where they are used; throws one Error naming the option. */
export function checkExerciseOptions(options: ExerciseOptions): void {
  if (options.nodePort !== undefined && !isNodePort(options.nodePort)) {
    throw new PropError('exercise options', 'nodePort', options.nodePort, NODE_PORT_RULE);
  }
  if (options.imageMirror !== undefined) checkImageMirror('exercise options', options.imageMirror);
}

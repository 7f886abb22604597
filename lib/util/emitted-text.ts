/**
 * The one guard for text this library emits as YAML. cdk8s writes strings
 * with the `yaml` package, which kubectl's reader (go-yaml, YAML 1.1) reads
 * differently in two cases:
 *
 * - a lone UTF-16 surrogate (U+D800-U+DFFF without its pair) has no UTF-8
 *   form; it is written as `"\ud800"`, which go-yaml refuses for the whole file;
 * - U+0085 (NEL), U+2028 and U+2029 are line breaks in YAML 1.1; written raw,
 *   go-yaml folds them into a space, so the cluster gets another value.
 *
 * Neither can be escaped through cdk8s's writer, so both are refused: every
 * chart that holds one of this library's constructs gets one validation that
 * walks the JSON of all of its objects at synth (`App.synth`, `Testing.synth`)
 * and fails with an Error naming the object, the field, the value and what
 * is allowed. It covers keys and values, props and computed text alike.
 */
import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { describeValue } from './props-check';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const YAML11_BREAK = /[\u0085\u2028\u2029]/;

/** Why kubectl would read this text differently from what we mean, or undefined when it reads it as written. */
export function emittedTextProblem(text: string): string | undefined {
  const surrogate = LONE_SURROGATE.exec(text);
  if (surrogate)
    return `has a lone surrogate U+${surrogate[0].charCodeAt(0).toString(16).toUpperCase()} at index ${surrogate.index} (no UTF-8 form; kubectl refuses the whole file)`;
  const lineBreak = YAML11_BREAK.exec(text);
  if (lineBreak)
    return `has U+${lineBreak[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} at index ${lineBreak.index}, a line break in YAML 1.1 that kubectl folds into a space`;
  return undefined;
}

export const EMITTED_TEXT_RULE = 'text without lone surrogates and without U+0085, U+2028 or U+2029 (write "\\n" for a line break)';

/** Whether any key or string value in `value` has a problem (no field paths: the common, clean case stays cheap). */
function hasProblem(value: unknown): boolean {
  if (typeof value === 'string') return emittedTextProblem(value) !== undefined;
  if (Array.isArray(value)) return value.some(hasProblem);
  if (value !== null && typeof value === 'object') {
    for (const key in value) {
      if (emittedTextProblem(key) !== undefined || hasProblem((value as Record<string, unknown>)[key])) return true;
    }
  }
  return false;
}

/** Problems of every key and string value in `value`, with their field paths. */
function walk(value: unknown, path: string, out: string[]): void {
  if (typeof value === 'string') {
    const problem = emittedTextProblem(value);
    if (problem) out.push(`${path} ${describeValue(value)} ${problem}`);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => walk(item, `${path}[${i}]`, out));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const problem = emittedTextProblem(key);
      const at = path ? `${path}.${key}` : key;
      if (problem) out.push(`${at} (the key) ${problem}`);
      walk(child, at, out);
    }
  }
}

const guarded = new WeakSet<Chart>();

/**
 * Makes the chart of `scope` refuse, at synth, any object whose text kubectl
 * would read differently (see the module comment). Idempotent per chart.
 */
export function guardEmittedText(scope: IConstruct): void {
  let chart: Chart;
  try {
    chart = Chart.of(scope);
  } catch {
    return; // not in a chart: nothing is synthesized from it
  }
  if (guarded.has(chart)) return;
  guarded.add(chart);
  chart.node.addValidation({
    validate: () => {
      const errors: string[] = [];
      for (const child of chart.node.findAll()) {
        if (!(child instanceof ApiObject)) continue;
        const json: unknown = child.toJson();
        if (!hasProblem(json)) continue;
        const problems: string[] = [];
        walk(json, '', problems);
        for (const problem of problems) {
          errors.push(`${child.node.path}: ${child.kind}/${child.name}: invalid ${problem}; expected ${EMITTED_TEXT_RULE}`);
        }
      }
      return errors;
    },
  });
}

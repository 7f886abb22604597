/**
 * A finding of the offline validator: one problem in one object, with the
 * code of what is wrong and the field path inside the object.
 */

import { terminalValue } from '../../util/terminal-text';

/** How serious a finding is: `k8s-practice validate` exits non-zero on any error, not on warnings. */
export type Severity = 'error' | 'warning';

/** One problem `validate` found in one object. */
export interface Finding {
  /** The file the object came from (as given on the command line). */
  readonly file: string;
  /** The object's kind, or `''` when the document has none. */
  readonly kind: string;
  /** The object's `metadata.name` (or `generateName`), or `''`. */
  readonly name: string;
  /** The object's namespace as written, or `''` (cluster-scoped or unset). */
  readonly namespace: string;
  /** Field path in the object, kubectl style: `spec.containers[0].ports[0].containerPort`; `''` for the whole object. */
  readonly path: string;
  /**
   * The finding's code, e.g. `schema-unknown-field`, `missing-reference`, or the engine's `api-server`
   * (a rule reports one or more codes; `validate --list-rules` lists both). The CLI's JSON output
   * names this field `rule`, as it always has.
   */
  readonly code: string;
  /** `error` or `warning`. */
  readonly severity: Severity;
  /** What is wrong, naming the value and what is allowed. */
  readonly message: string;
  /**
   * Who judged: `k8s-practice rule` (our TypeScript rules; also when unset), the API server's
   * code run by the validation engine (`kube-apiserver 1.28.15 validation`, `PodSecurity`,
   * `ServiceAccount admission`...), or `Tekton admission` (`--with-engines`).
   */
  readonly engine?: string;
}

/** Who judged a finding of our own TypeScript rules. */
export const RULE_ENGINE = 'k8s-practice rule';

/** Who judged a finding: its engine, {@link RULE_ENGINE} when unset. */
export function engineOf(finding: Finding): string {
  return finding.engine ?? RULE_ENGINE;
}

/**
 * One line per finding: `file: Kind/name path [code] severity (engine): message`, where the engine
 * says who judged: `k8s-practice rule` for our own rules, else the part of the API server's (or
 * Tekton's) code that did (`[api-server] error (PodSecurity): ...`). Each part is written
 * with {@link terminalValue}: a kind, name or file name holding ESC, a carriage return, a newline
 * or another control character shows it as `\uXXXX`, so no finding can rewrite or forge a line.
 */
export function formatFinding(finding: Finding): string {
  const object = `${terminalValue(finding.kind || '?')}/${terminalValue(finding.name || '?')}`;
  const path = terminalValue(finding.path || '(object)');
  return `${terminalValue(finding.file)}: ${object} ${path} [${terminalValue(finding.code)}] ${finding.severity} (${terminalValue(engineOf(finding))}): ${terminalValue(finding.message)}`;
}

/**
 * The closing summary line; with `disabled`, it also names the codes that were off and how many
 * findings they hid, so that nothing is hidden silently.
 */
export function formatSummary(
  findings: readonly Finding[],
  files: number,
  objects: number,
  disabled?: { readonly rules: readonly string[]; readonly codes: readonly string[]; readonly hidden: number },
): string {
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  const what = disabled ? [...disabled.rules.map((id) => `rule ${id}`), ...disabled.codes.map((code) => `code ${code}`)] : [];
  const off =
    disabled && what.length > 0
      ? `; disabled: ${what.join(', ')} (${disabled.hidden} finding${disabled.hidden === 1 ? '' : 's'} not shown)`
      : '';
  return (
    `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'} ` +
    `in ${objects} object${objects === 1 ? '' : 's'} from ${files} file${files === 1 ? '' : 's'}${off}`
  );
}

/** Stable order: file, then document order is kept by the caller; here by file, kind, name, path, code. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  const key = (f: Finding) => [f.file, f.kind, f.namespace, f.name, f.path, f.code, f.message];
  return [...findings].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < ka.length; i++) {
      // both keys have the same length
      if (ka[i] !== kb[i]) return ka[i]! < kb[i]! ? -1 : 1;
    }
    return 0;
  });
}

/**
 * The offline validator: schema validation plus the cross-object rules, over
 * objects, YAML text, or files and folders.
 */
import { performance } from 'node:perf_hooks';
import { Finding, sortFindings } from './finding';
import { loadManifests, ManifestObject, parseManifestText } from './manifest';
import { RuleContext } from './rule-context';
import { severityAllowed } from './rule-definition';
import { codeOf, DisabledChecks, resolveDisabled, RULES } from './rule-registry';
import { SchemaTimings, SchemaValidator, SchemaValidatorOptions } from './schema-validator';

export { RULES };

/** Options of {@link validatePaths}, {@link validateYaml} and {@link validateObjects}. */
export interface ValidateOptions extends SchemaValidatorOptions {
  /**
   * Rule ids (e.g. `ports`: every finding of that rule) or finding codes (e.g. `port-range`, from
   * whichever rule reports it) not to report. The result says what was off and how many findings it hid.
   * An entry that is neither throws an `UnknownRuleError` naming the allowed values.
   * @default none
   */
  readonly disable?: readonly string[];
}

/** A rule's check: looks at every object of the run and reports through the context. */
export type Rule = (ctx: RuleContext) => void;

/** What a validation found, with the counts `k8s-practice validate` prints in its summary line. */
export interface ValidationResult {
  /** The YAML files read. */
  readonly files: readonly string[];
  /** How many objects they hold. */
  readonly objects: number;
  /** Sorted by file, kind, namespace, name, path, rule. */
  readonly findings: readonly Finding[];
  /** How many findings are errors. */
  readonly errors: number;
  /** How many findings are warnings. */
  readonly warnings: number;
  /** Time spent in this call (ms) and the schema load/compile totals of the process so far. */
  readonly timings: { readonly validateMs: number; readonly schema: Readonly<SchemaTimings> };
  /** The rules and codes `disable` turned off (none when nothing was disabled) and how many findings they hid. */
  readonly disabled: DisabledChecks & { readonly hidden: number };
}

function result(
  files: readonly string[],
  objects: number,
  all: Finding[],
  disabled: DisabledChecks & { readonly hidden: number },
  started: number,
  schemas: SchemaValidator,
): ValidationResult {
  const off = new Set(disabled.codes);
  const sorted = sortFindings(all.filter((f) => !off.has(f.rule)));
  const errors = sorted.filter((f) => f.severity === 'error').length;
  return {
    files,
    objects,
    findings: sorted,
    errors,
    warnings: sorted.length - errors,
    timings: { validateMs: performance.now() - started, schema: { ...schemas.timings } },
    disabled: { ...disabled, hidden: disabled.hidden + all.length - sorted.length },
  };
}

/**
 * Runs every rule. A rule that throws on a shape it did not foresee becomes an
 * `internal-error` finding naming the rule; the other rules still run. So does a
 * finding whose code or severity the rule does not declare in the registry (the
 * finding is kept): `--list-rules` and `--disable` rely on the declarations.
 * The findings of a disabled rule are dropped (its internal errors are not); returns how many.
 */
function runRules(ctx: RuleContext, disabledRules: readonly string[]): number {
  let hidden = 0;
  for (const rule of RULES) {
    const from = ctx.findings.length;
    const internalError = (message: string) => ({
      file: ctx.objects[0]?.file ?? '',
      kind: '',
      name: '',
      namespace: '',
      path: '',
      rule: 'internal-error',
      severity: 'error' as const,
      message,
    });
    try {
      rule.check(ctx);
    } catch (error) {
      ctx.findings.push(
        internalError(
          `rule ${rule.check.name} stopped on an unexpected shape: ${error instanceof Error ? error.message : String(error)}; please report it`,
        ),
      );
    }
    const declared = (f: Finding) => {
      const code = codeOf(rule, f.rule);
      return f.rule === 'internal-error' || (code !== undefined && severityAllowed(code.severity, f.severity));
    };
    const undeclared = new Set(
      ctx.findings
        .slice(from)
        .filter((f) => !declared(f))
        .map((f) => `${f.rule} (${f.severity})`),
    );
    for (const code of undeclared)
      ctx.findings.push(internalError(`rule ${rule.id} reported ${code}, which its registry entry does not declare; please report it`));
    if (disabledRules.includes(rule.id)) {
      const kept = ctx.findings.slice(from).filter((f) => f.rule === 'internal-error');
      hidden += ctx.findings.length - from - kept.length;
      ctx.findings.splice(from, Infinity, ...kept);
    }
  }
  return hidden;
}

/** What every entry point does once its input is read: run the rules over all objects together. */
function validateLoaded(
  files: readonly string[],
  objects: readonly ManifestObject[],
  readFindings: readonly Finding[],
  options: ValidateOptions,
  started: number,
): ValidationResult {
  const disabled = resolveDisabled(options.disable ?? []);
  const schemas = SchemaValidator.shared(options);
  const ctx = new RuleContext(objects, schemas);
  const hidden = runRules(ctx, disabled.rules);
  return result(files, objects.length, [...readFindings, ...ctx.findings], { ...disabled, hidden }, started, schemas);
}

/** Validates objects that were already parsed (every object sees all the others for the cross-object rules). */
export function validateObjects(objects: readonly ManifestObject[], options: ValidateOptions = {}): ValidationResult {
  return validateLoaded([...new Set(objects.map((o) => o.file))], objects, [], options, performance.now());
}

/** Validates YAML text (one or more documents), reported as coming from `file`. */
export function validateYaml(text: string, file = '<input>', options: ValidateOptions = {}): ValidationResult {
  const started = performance.now();
  const parsed = parseManifestText(text, file);
  return validateLoaded([file], parsed.objects, parsed.findings, options, started);
}

/** Validates files and folders (folders: every `.yaml`/`.yml` file in them, recursively). */
export function validatePaths(paths: readonly string[], options: ValidateOptions = {}): ValidationResult {
  return validatePathsAndStdin(paths, undefined, options);
}

/** {@link validatePaths}, where the path `-` stands for `stdin` (the bytes of standard input, named `<stdin>`). */
export function validatePathsAndStdin(
  paths: readonly string[],
  stdin: Buffer | undefined,
  options: ValidateOptions = {},
): ValidationResult {
  const started = performance.now();
  const loaded = loadManifests(paths, stdin);
  return validateLoaded(loaded.files, loaded.objects, loaded.findings, options, started);
}

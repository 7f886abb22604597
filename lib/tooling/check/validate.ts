/**
 * The offline validator: schema validation plus the cross-object rules, over
 * objects, YAML text, or files and folders.
 */
import { performance } from 'node:perf_hooks';
import { Finding, sortFindings } from './finding';
import { loadManifests, ManifestObject, parseManifestText } from './manifest';
import { RuleContext } from './rule-context';
import { checkNames } from './rules/name-rules';
import { checkLimitRanges } from './rules/limit-range-rules';
import { checkNegativeQuantities } from './rules/negative-quantity-rules';
import { checkObjectIdentity } from './rules/object-identity-rules';
import { checkPodSecurity } from './rules/pod-security-rules';
import { checkNodePortReachability } from './rules/node-port-reachability-rules';
import { checkNodePortConflicts } from './rules/node-port-rules';
import { checkObjectFields } from './rules/object-field-rules';
import { checkPodSpecs } from './rules/pod-spec-rules';
import { checkPorts } from './rules/port-rules';
import { checkQuotas } from './rules/quota-rules';
import { checkReferences } from './rules/reference-rules';
import { checkContainerResources } from './rules/resource-rules';
import { checkSchemas } from './rules/schema-rule';
import { checkServices } from './rules/service-rules';
import { checkTektonSecurity } from './rules/tekton-security-rules';
import { checkWorkloadSelectors } from './rules/workload-rules';
import { SchemaTimings, SchemaValidator, SchemaValidatorOptions } from './schema-validator';

export type ValidateOptions = SchemaValidatorOptions;

/** A rule: looks at every object of the run and reports through the context. */
export type Rule = (ctx: RuleContext) => void;

/** Every rule, in the order findings are produced. */
export const RULES: readonly Rule[] = [
  checkSchemas, checkNames, checkPorts, checkNodePortConflicts, checkNodePortReachability, checkObjectIdentity, checkPodSpecs, checkObjectFields, checkWorkloadSelectors, checkServices, checkReferences, checkPodSecurity, checkTektonSecurity,
  checkContainerResources, checkLimitRanges, checkNegativeQuantities, checkQuotas,
];

export interface ValidationResult {
  readonly files: readonly string[];
  readonly objects: number;
  /** Sorted by file, kind, namespace, name, path, rule. */
  readonly findings: readonly Finding[];
  readonly errors: number;
  readonly warnings: number;
  /** Time spent in this call (ms) and the schema load/compile totals of the process so far. */
  readonly timings: { readonly validateMs: number; readonly schema: Readonly<SchemaTimings> };
}

function result(files: readonly string[], objects: number, findings: Finding[], started: number, schemas: SchemaValidator): ValidationResult {
  const sorted = sortFindings(findings);
  const errors = sorted.filter((f) => f.severity === 'error').length;
  return {
    files, objects, findings: sorted, errors, warnings: sorted.length - errors,
    timings: { validateMs: performance.now() - started, schema: { ...schemas.timings } },
  };
}

/**
 * Runs every rule. A rule that throws on a shape it did not foresee becomes an
 * `internal-error` finding naming the rule; the other rules still run.
 */
function runRules(ctx: RuleContext): void {
  for (const rule of RULES) {
    try {
      rule(ctx);
    } catch (error) {
      const first = ctx.objects[0];
      ctx.findings.push({
        file: first?.file ?? '', kind: '', name: '', namespace: '', path: '', rule: 'internal-error', severity: 'error',
        message: `rule ${rule.name} stopped on an unexpected shape: ${error instanceof Error ? error.message : String(error)}; please report it`,
      });
    }
  }
}

/** What every entry point does once its input is read: run the rules over all objects together. */
function validateLoaded(
  files: readonly string[], objects: readonly ManifestObject[], readFindings: readonly Finding[], options: ValidateOptions, started: number,
): ValidationResult {
  const schemas = SchemaValidator.shared(options);
  const ctx = new RuleContext(objects, schemas);
  runRules(ctx);
  return result(files, objects.length, [...readFindings, ...ctx.findings], started, schemas);
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
  const started = performance.now();
  const loaded = loadManifests(paths);
  return validateLoaded(loaded.files, loaded.objects, loaded.findings, options, started);
}

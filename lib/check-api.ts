/**
 * `k8s-practice-constructs/check`: offline verification of Kubernetes YAML,
 * the library behind `k8s-practice validate`, `compare` and `graph`.
 *
 * Kept apart from the package root because it loads ajv and compiles the
 * vendored Kubernetes 1.28 and Tekton schemas; a cdk8s app that only uses the
 * constructs never pays for that.
 *
 * @example
 * import { validatePaths, formatFinding } from 'k8s-practice-constructs/check';
 * const result = validatePaths(['dist']);
 * for (const finding of result.findings) console.log(formatFinding(finding));
 */
// This entry point loads Ajv up front, as it always has: the api-report and
// consumer tests use it to show that their "the package root loads no Ajv"
// checks can fail. The CLI does not come through here; its validate command
// loads Ajv only for kinds the build did not precompile.
import 'ajv';

export { validatePaths, validateYaml, validateObjects, RULES } from './check/validate';
export type { ValidationResult, ValidateOptions, Rule } from './check/validate';
export { formatFinding, formatSummary } from './check/finding';
export type { Finding, Severity } from './check/finding';
export { compareFiles, compareYaml, compareObjects, formatComparison } from './check/compare';
export type { CompareOptions, CompareResult, ObjectComparison, FieldDifference } from './check/compare';
export { SchemaValidator } from './check/schema-validator';
export { buildObjectGraph } from './graph/object-graph';
export type { SynthesizedObject, ObjectGraph, GraphEdge } from './graph/object-graph';
export { toMermaid } from './graph/mermaid';

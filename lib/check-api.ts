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
export { validatePaths, validateYaml, validateObjects, RULES } from './tooling/check/validate';
export type { ValidationResult, ValidateOptions, Rule } from './tooling/check/validate';
export { UnknownRuleError } from './tooling/check/rule-registry';
export type { DisabledChecks } from './tooling/check/rule-registry';
export type { RuleDefinition, RuleCode, CodeSeverity } from './tooling/check/rule-definition';
export { formatFinding, formatSummary } from './tooling/check/finding';
export type { Finding, Severity } from './tooling/check/finding';
export { compareFiles, compareYaml, compareObjects, formatComparison } from './tooling/compare/compare';
export type { CompareOptions, CompareResult, ObjectComparison, FieldDifference } from './tooling/compare/compare';
export { SchemaValidator } from './tooling/check/schema-validator';
export { buildObjectGraph } from './tooling/graph/object-graph';
export type { SynthesizedObject, ObjectGraph, GraphEdge } from './tooling/graph/object-graph';
export { toMermaid } from './tooling/graph/mermaid';
export { KUBERNETES_VERSIONS, DEFAULT_KUBERNETES_VERSION } from './tooling/check/kubernetes-versions';
export type { KubernetesVersion } from './tooling/check/kubernetes-versions';

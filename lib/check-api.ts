/**
 * `k8s-practice-constructs/check`: offline verification of Kubernetes YAML,
 * the library behind `k8s-practice validate`, `compare` and `graph`.
 *
 * Kept apart from the package root because it loads ajv and compiles the
 * vendored Kubernetes 1.28 and Tekton schemas; a cdk8s app that only uses the
 * constructs never pays for that.
 *
 * The validate functions run our rules (the schemas, and what the API server does not check on a
 * single object: selectors, references, quotas, Tekton steps, custom resources...). The API
 * server's own checks of built-in objects (names, labels, ports, pod specs, Pod Security, ...) are
 * made by kube-apiserver 1.28.15's code, the validation engine, only when asked with the option
 * `apiServer` (`'auto'`), as `k8s-practice validate` does by default; `result.apiServer` says
 * whether they ran and, when not, lists what was not checked.
 *
 * @example
 * import { validatePaths, formatFinding } from 'k8s-practice-constructs/check';
 * const result = validatePaths(['dist'], { apiServer: 'auto' });
 * for (const finding of result.findings) console.log(formatFinding(finding));
 *
 * @module k8s-practice-constructs/check
 */
export { validatePaths, validateYaml, validateObjects, RULES } from './tooling/check/validate';
export type { ValidationResult, ValidateOptions, Rule, ApiServerSummary } from './tooling/check/validate';
export type { EngineChoice, EngineKind } from './tooling/check/api-server-engine';
export { UnknownRuleError } from './tooling/check/rule-registry';
export type { DisabledChecks } from './tooling/check/rule-registry';
export type { RuleDefinition, RuleCode, CodeSeverity } from './tooling/check/rule-definition';
export { formatFinding, formatSummary } from './tooling/foundation/finding';
export type { Finding, Severity } from './tooling/foundation/finding';
export { compareFiles, compareYaml, compareObjects, formatComparison } from './tooling/compare/compare';
export type { CompareOptions, CompareResult, ObjectComparison, FieldDifference } from './tooling/compare/compare';
export { SchemaValidator } from './tooling/check/schema-validator';
export { buildObjectGraph } from './tooling/graph/object-graph';
export type { SynthesizedObject, ObjectGraph, GraphEdge } from './tooling/graph/object-graph';
export { toMermaid } from './tooling/graph/mermaid';
export { KUBERNETES_VERSIONS, DEFAULT_KUBERNETES_VERSION } from './tooling/foundation/kubernetes-versions';
export type { KubernetesVersion } from './tooling/foundation/kubernetes-versions';

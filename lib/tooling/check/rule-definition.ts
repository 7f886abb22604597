/**
 * What a validator rule declares about itself: an id, the finding codes it can
 * report (with their severity) and a one-line summary. The registry
 * (rule-registry.ts) lists every definition; `validate --list-rules`, `--disable`
 * and docs/generated/rules.md are built from it.
 */
import { Severity } from '../foundation/finding';
import { RuleContext } from './rule-context';

/** The severity a code is reported with; `error or warning` when it depends on the case. */
export type CodeSeverity = Severity | 'error or warning';

/** One finding code a rule can report. */
export interface RuleCode {
  /** The code, as in `Finding.code` (e.g. `missing-reference`). */
  readonly code: string;
  /** The severity its findings have. */
  readonly severity: CodeSeverity;
  /** What a finding with this code means, in one line. */
  readonly summary: string;
}

/** A validation rule: its id, what it checks, the codes it reports and the check itself (see `RULES`). */
export interface RuleDefinition {
  /** Stable id, kebab-case, distinct from every code (e.g. `services`). */
  readonly id: string;
  /** What the rule checks, in one line. */
  readonly summary: string;
  /** Every code the rule reports; reporting any other is a bug (an `internal-error` finding). */
  readonly codes: readonly RuleCode[];
  /** Looks at every object of the run and reports through the context. */
  check(ctx: RuleContext): void;
}

/** Whether a finding's severity is one the code declares. */
export function severityAllowed(declared: CodeSeverity, actual: Severity): boolean {
  return declared === 'error or warning' || declared === actual;
}

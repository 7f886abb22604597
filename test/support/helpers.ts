import { Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { serviceSelectorSelects } from '../../lib/tooling/check/label-selector';

/**
 * A Kubernetes object as plain JSON (synthesized, or parsed from YAML), which the tests read and
 * change by path without narrowing (lib's `SynthesizedObject` and `JsonObject` have `unknown` fields).
 * The one definition for every test.
 */
export type KubeObject = Record<string, any>;

/** Builds constructs in a fresh chart and returns the synthesized objects. */
export function synthWith(build: (chart: Chart) => void): KubeObject[] {
  const chart = Testing.chart();
  build(chart);
  return Testing.synth(chart) as KubeObject[];
}

/** Returns a fresh chart, for tests that only expect construction to throw. */
export function emptyChart(): Construct {
  return Testing.chart();
}

/** The single object of this kind and name; fails the test when there is not exactly one. */
export function only(objects: KubeObject[], kind: string, name?: string): KubeObject {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
  return found[0];
}

/** Whether a Service-style selector selects an object with these labels. */
export function selects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  return serviceSelectorSelects(selector, labels);
}

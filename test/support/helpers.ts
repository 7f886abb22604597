import { Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { serviceSelectorSelects } from '../../lib/tooling/check/label-selector';
import { SynthesizedObject } from '../../lib/tooling/graph/object-graph';

/**
 * A Kubernetes object as synthesized (plain JSON): the graph's type, whose other fields the tests
 * read by path without narrowing (lib's `SynthesizedObject` has them `unknown`).
 */
export type KubeObject = SynthesizedObject & { readonly [field: string]: any };

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

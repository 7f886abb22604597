/**
 * docs/generated/bench.md: the bench's results file (docs/bench.json, written by
 * `npm run bench`) rendered as tables. `npm run bench` writes both; the freshness
 * test (`npm run generate -- --check`) keeps the page equal to what the file renders
 * to, so its figures are always those of the last bench run.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatedPage, Generator, ROOT } from './generator';

/** One figure: what was measured, its value, and its ratio to the yardstick it is compared with. */
export interface BenchRow {
  readonly figure: string;
  /** e.g. `812 ms (min 790, max 900)` */
  readonly value: string;
  /** e.g. `x0.52 of the stock app`; empty when the figure has no yardstick */
  readonly ratio: string;
  /** The target for the ratio, when it has one, e.g. `<= x1.25`, and whether it is met. */
  readonly target?: string;
}

export interface BenchSection {
  readonly title: string;
  /** When this section was last run (ISO date) and how. */
  readonly ranAt: string;
  readonly how: string;
  readonly rows: readonly BenchRow[];
}

export interface BenchResults {
  /** The machine of the last run, e.g. `2 cores, Node v20.20.2, linux`. */
  readonly machine: string;
  /** By section name, in the order they are rendered. */
  readonly sections: Record<string, BenchSection>;
}

/** The order sections appear in. */
export const SECTION_ORDER = ['synth', 'import', 'validate', 'engine', 'scale', 'explain', 'tests'] as const;

/** The results file `npm run bench` writes. */
export const BENCH_RESULTS = join(ROOT, 'docs', 'bench.json');

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** The performance figures, as markdown. */
export function renderBenchReport(results: BenchResults): string {
  const lines: string[] = [
    `Figures of the last \`npm run bench\` (${results.machine}); every time is the median of the repetitions` +
      ' with their min and max, and every ratio compares medians measured side by side in the same run.',
  ];
  for (const name of SECTION_ORDER) {
    const section = results.sections[name];
    if (!section) continue;
    lines.push(
      '',
      `**${section.title}** (${section.how}; run ${section.ranAt})`,
      '',
      '| figure | value | ratio | target |',
      '| --- | --- | --- | --- |',
    );
    for (const row of section.rows)
      lines.push(`| ${cell(row.figure)} | ${cell(row.value)} | ${cell(row.ratio)} | ${cell(row.target ?? '')} |`);
  }
  return lines.join('\n');
}

/** The whole page for these results. */
export function renderBenchPage(results: BenchResults): string {
  return generatedPage(
    'docs/bench.json, which `npm run bench` writes (scripts/generate/bench.ts)',
    'Performance figures',
    `How they are had, and the targets not met: [performance.md](../performance.md).\n\n${renderBenchReport(results)}`,
  );
}

export const bench: Generator = {
  output: 'docs/generated/bench.md',
  render: () => renderBenchPage(JSON.parse(readFileSync(BENCH_RESULTS, 'utf8')) as BenchResults),
};

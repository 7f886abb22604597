/**
 * The bench's results file (docs/bench.json, written by `npm run bench`) and
 * the README section rendered from it. test/docs/bench-report.test.ts checks
 * that the README's section is what the file renders to, so the figures in the
 * README are always those of the last bench run.
 */

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

/** The order sections appear in, and the README section name. */
export const SECTION_ORDER = ['synth', 'import', 'validate', 'engine', 'scale', 'explain', 'tests'] as const;
export const README_SECTION = 'bench';

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** The README's performance figures, as markdown. */
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

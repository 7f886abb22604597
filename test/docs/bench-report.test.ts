/**
 * docs/bench.json (written by `npm run bench`) holds every section; docs/generated/bench.md is
 * what it renders to (checked with every generated file by generated-files.test.ts).
 */
import { readFileSync } from 'node:fs';
import { BENCH_RESULTS, BenchResults, SECTION_ORDER } from '../../scripts/generate/bench';

const results: BenchResults = JSON.parse(readFileSync(BENCH_RESULTS, 'utf8'));

test('docs/bench.json has every default section, each figure with a value', () => {
  for (const name of SECTION_ORDER.filter((s) => s !== 'tests')) {
    expect(results.sections[name]?.rows.length).toBeGreaterThan(0);
    for (const row of results.sections[name].rows) expect(row.value).not.toBe('');
  }
});

/** api/*.api.md, one API Extractor report per entry point, made by scripts/api-extractor.ts. */
import { ToolGenerator } from './generator';

export const apiReport: ToolGenerator = { output: 'api/*.api.md', script: 'scripts/api-extractor.ts' };

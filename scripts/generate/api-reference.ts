/** docs/api/ (TypeDoc + typedoc-plugin-markdown) and api/construct-docs.json, made by scripts/typedoc.ts. */
import { ToolGenerator } from './generator';

export const apiReference: ToolGenerator = { output: 'docs/api/ and api/construct-docs.json', script: 'scripts/typedoc.ts' };

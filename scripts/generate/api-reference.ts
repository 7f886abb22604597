/** docs/API.md, made by scripts/api-reference.ts (called as it is). */
import { relative } from 'node:path';
import { API_MD, renderApiReference } from '../api-reference';
import { Generator, ROOT } from './generator';

export const apiReference: Generator = { output: relative(ROOT, API_MD), render: () => renderApiReference() };

/** api/k8s-practice-constructs.api.md, made by scripts/api-report.ts (called as it is). */
import { relative } from 'node:path';
import { API_REPORT, renderApiReport } from '../api-report';
import { Generator, ROOT } from './generator';

export const apiReport: Generator = { output: relative(ROOT, API_REPORT), render: () => renderApiReport() };

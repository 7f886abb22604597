/**
 * A cdk8s App for the docs scripts, which only read the synthesized objects: `Testing.app()`
 * makes a temporary outdir (`cdk8s.outdir.*` in the system's temp folder) and nothing removes
 * it, so each generator run would leave some behind. This one is removed when `use`
 * returns.
 */
import { rmSync } from 'node:fs';
import { App, Testing } from 'cdk8s';

export function withScratchApp<T>(use: (app: App) => T): T {
  const app = Testing.app();
  try {
    return use(app);
  } finally {
    rmSync(app.outdir, { recursive: true, force: true });
  }
}

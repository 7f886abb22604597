/**
 * schemas/crds.json: the vendored CRDs' schemas as JSON for the validator
 * (lib/tooling/check/crd-bundle.ts), so `validate` does not parse the YAML in crds/
 * on every run. Regenerate it after changing anything in crds/.
 */
import { join } from 'node:path';
import { CRD_BUNDLE, renderCrdBundle } from '../../lib/tooling/check/crd-bundle';
import { CRD_DIR } from '../../lib/tooling/foundation/package-root';
import { Generator, ROOT } from './generator';

export const crdBundle: Generator = {
  output: CRD_BUNDLE,
  render: () => renderCrdBundle(join(ROOT, CRD_DIR)),
};

/**
 * `npm run crd-bundle`: writes schemas/crds.json, the vendored CRDs' schemas
 * as JSON for the validator (lib/tooling/check/crd-bundle.ts). Run it after changing
 * anything in crds/; test/tooling/check/crd-bundle.test.ts fails until you do.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CRD_BUNDLE, renderCrdBundle } from '../../lib/tooling/check/crd-bundle';
import { CRD_DIR } from '../../lib/tooling/check/package-root';

const root = join(__dirname, '..', '..');
writeFileSync(join(root, CRD_BUNDLE), renderCrdBundle(join(root, CRD_DIR)));
console.log(`wrote ${CRD_BUNDLE}`);

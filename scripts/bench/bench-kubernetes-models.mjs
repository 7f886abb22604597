// The yardstick of `npm run bench -- validate`: the kubernetes-models package
// (its own Ajv validators, one model class per built-in kind) checking the
// objects of the given folder it has a model for. Prints what it checked.
// ESM because kubernetes-models 5 is published as ES modules only. The bench copies this file
// into a temp folder where it installs kubernetes-models (it is no dependency of this package).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

const dir = process.argv[2];
const counts = { validated: 0, invalid: 0, withoutModel: 0 };
for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
  for (const document of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
    const object = document.toJS();
    if (!object) continue;
    let model;
    try {
      model = (await import(`kubernetes-models/${object.apiVersion}/${object.kind}`))[object.kind];
    } catch {
      // a custom resource (Tekton, Triggers): kubernetes-models has no model for it
    }
    if (!model) {
      counts.withoutModel++;
      continue;
    }
    try {
      new model(object).validate();
      counts.validated++;
    } catch {
      counts.invalid++;
    }
  }
}
console.log(JSON.stringify(counts));

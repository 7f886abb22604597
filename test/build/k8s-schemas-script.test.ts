/**
 * scripts/generate/k8s-schemas.ts, the maker of schemas/k8s-<version>/, on a small swagger and Go package:
 * cdk8s's two changes to the definitions, and enum values read from `// +enum` Go types (through
 * inlined structs, typed conversions and constants of another package).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cdk8sDefinitions, goEnums } from '../../scripts/generate/k8s-schemas';

const SWAGGER = {
  definitions: {
    'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { type: 'string', format: 'int-or-string', description: 'x' },
    'io.k8s.apimachinery.pkg.api.resource.Quantity': { type: 'string', description: 'y' },
    'io.k8s.api.core.v1.Widget': {
      description: 'A widget – with a dash.',
      properties: { kind: { type: 'string' }, policy: { type: 'string' }, mode: { type: 'string' }, other: { type: 'integer' } },
      'x-kubernetes-group-version-kind': [{ group: '', version: 'v1', kind: 'Widget' }],
    },
    'io.k8s.api.apps.v1.Gadget': { properties: { kind: { type: 'string' }, family: { type: 'string' } } },
    'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.Rule': { properties: { reason: { type: 'string' } } },
  },
};

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'k8s-schemas-'));
  const write = (path: string, text: string) => {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  write(
    'api/core/v1/types.go',
    [
      'package v1',
      '',
      '// Policy says when.',
      '// +enum',
      'type Policy string',
      '',
      'const (',
      '\tPolicyAlways Policy = "Always"',
      '\tPolicyNever  Policy = "Never"',
      ')',
      '',
      '// Family is an IP family.',
      '// +enum',
      'type Family string',
      '',
      'const (',
      '\tIPv4 Family = "IPv4"',
      ')',
      '',
      '// NotEnum has no marker.',
      'type NotEnum string',
      '',
      'const NotEnumA NotEnum = "A"',
      '',
      'type WidgetCommon struct {',
      '\tPolicy Policy `json:"policy,omitempty"`',
      '}',
      '',
      'type Widget struct {',
      '\tWidgetCommon `json:",inline"`',
      '\tMode NotEnum `json:"mode"`',
      '\tOther *int32 `json:"other"`',
      '}',
      '',
    ].join('\n'),
  );
  write(
    'api/apps/v1/types.go',
    [
      'package apps',
      '',
      'import (',
      '\tv1 "k8s.io/api/core/v1"',
      ')',
      '',
      '// +enum',
      'type GadgetFamily string',
      '',
      'const (',
      '\tGadgetV4 = GadgetFamily(v1.IPv4)',
      '\tGadgetV6 = GadgetFamily("IPv6")',
      ')',
      '',
      'type Gadget struct {',
      '\tFamily *GadgetFamily `json:"family"`',
      '}',
      '',
    ].join('\n'),
  );
  write(
    'apiextensions/pkg/apis/apiextensions/v1/types.go',
    [
      'package v1',
      '',
      '// +enum',
      'type Reason string',
      '',
      'const (',
      '\tReasonA Reason = "FieldValueInvalid"',
      ')',
      '',
      'type Rule struct {',
      '\tReason *Reason `json:"reason,omitempty"`',
      '}',
      '',
    ].join('\n'),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('definitions: IntOrString and Quantity become oneOf, a single-kind object gets a kind enum, non-ASCII is escaped', () => {
  const text = cdk8sDefinitions(SWAGGER);
  const { definitions } = JSON.parse(text);
  expect(definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString']).toEqual({ oneOf: [{ type: 'string' }, { type: 'integer' }] });
  expect(definitions['io.k8s.apimachinery.pkg.api.resource.Quantity']).toEqual({ oneOf: [{ type: 'string' }, { type: 'number' }] });
  expect(definitions['io.k8s.api.core.v1.Widget'].properties.kind).toEqual({ type: 'string', enum: ['Widget'] });
  expect(definitions['io.k8s.api.apps.v1.Gadget'].properties.kind).toEqual({ type: 'string' });
  expect(text).toContain('A widget \\u2013 with a dash.');
});

test('enums: only `+enum` types, through inlined structs and conversions, only for string properties the swagger has', () => {
  expect(goEnums(SWAGGER, join(dir, 'api'), join(dir, 'apiextensions'))).toEqual({
    'io.k8s.api.apps.v1.Gadget': { family: ['IPv4', 'IPv6'] },
    'io.k8s.api.core.v1.Widget': { policy: ['Always', 'Never'] },
    'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.Rule': { reason: ['FieldValueInvalid'] },
  });
});

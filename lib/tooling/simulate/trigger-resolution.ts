/**
 * What Tekton Triggers does after the interceptors:
 * resolve TriggerBinding params against the event, then substitute
 * `$(tt.params.<name>)` in the TriggerTemplate's resource templates.
 *
 * Binding values may mix text and `$(body.a.b)`, `$(header.Name)` and
 * `$(extensions.key)` expressions. A string value is inserted as it is, any
 * other JSON value as its JSON text (Triggers' behaviour). Paths use dots
 * only (the bindings here need no JSONPath brackets). A path that does not
 * exist is an error, as Triggers reports it ("failed to find field").
 */
import { iterableOrEmpty, member, ownMember, textOf } from '../foundation/json-value';
import { canonicalHeaderKey, headerMap, WebhookRequest } from './triggers-cel';

const EXPRESSION = /\$\(([^)]*)\)/g;

function lookup(root: unknown, path: string[], whole: string): unknown {
  let node = root;
  for (const segment of path) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, segment)) {
      throw new Error(`failed to find field ${whole}`);
    }
    node = (node as { [key: string]: unknown })[segment];
  }
  return node;
}

function render(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Resolves one binding value against an event and the interceptors' extensions. */
export function resolveBindingValue(value: string, request: WebhookRequest, extensions: object): string {
  return value.replace(EXPRESSION, (_match, expression: string) => {
    const [root, ...path] = expression.split('.');
    switch (root) {
      case 'body':
        return render(lookup(request.body, path, expression));
      case 'extensions':
        return render(lookup(extensions, path, expression));
      case 'header': {
        const values = headerMap(request.headers).get(canonicalHeaderKey(path.join('.')));
        if (values === undefined) throw new Error(`failed to find field ${expression}`);
        return values.join(',');
      }
      default:
        throw new Error(`unsupported binding expression $(${expression})`);
    }
  });
}

/** Resolves every param of a TriggerBinding object: name -> value. */
export function resolveBinding(binding: unknown, request: WebhookRequest, extensions: object): { [name: string]: string } {
  const out = Object.create(null) as { [name: string]: string }; // `constructor` is a param name like any other
  for (const param of iterableOrEmpty(member(member(binding, 'spec'), 'params'))) {
    // Read as written: the binding's schema makes name and value strings.
    const name = member(param, 'name') as string;
    if (Object.hasOwn(out, name)) throw new Error(`duplicate binding param ${name}`);
    out[name] = resolveBindingValue(member(param, 'value') as string, request, extensions);
  }
  return out;
}

/**
 * The objects a TriggerTemplate creates for these params: defaults applied,
 * every `$(tt.params.x)` replaced. Unknown or unset params are errors.
 */
export function instantiateTemplate(template: unknown, params: { [name: string]: string }): unknown[] {
  const templateName = () => textOf(member(member(template, 'metadata'), 'name'));
  const declared = new Map<string, string | undefined>();
  // Read as written: the template's schema makes a param's name and default strings.
  for (const p of iterableOrEmpty(member(member(template, 'spec'), 'params')))
    declared.set(member(p, 'name') as string, member(p, 'default') as string | undefined);
  for (const name of Object.keys(params)) {
    if (!declared.has(name)) throw new Error(`param ${name} is not declared by TriggerTemplate ${templateName()}`);
  }
  const values = new Map<string, string>();
  for (const [name, fallback] of declared) {
    const value = (ownMember(params, name) as string | undefined) ?? fallback;
    if (value === undefined) throw new Error(`TriggerTemplate ${templateName()} param ${name} has no value and no default`);
    values.set(name, value);
  }
  const substitute = (node: unknown): unknown => {
    if (typeof node === 'string') {
      return node.replace(/\$\(tt\.params\.([^)]*)\)/g, (_m, name: string) => {
        const value = values.get(name);
        if (value === undefined) throw new Error(`$(tt.params.${name}) is not a param of TriggerTemplate ${templateName()}`);
        return value;
      });
    }
    if (Array.isArray(node)) return node.map(substitute);
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, substitute(v)]));
    }
    return node;
  };
  return ((member(member(template, 'spec'), 'resourcetemplates') ?? []) as unknown[]).map(substitute);
}

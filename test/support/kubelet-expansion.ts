/**
 * The kubelet's expansion of `$(NAME)` in container env values and commands
 * (k8s.io/kubernetes third_party/forked/golang/expansion, rewritten here from
 * its documented rules): `$$` is a literal `$`, `$(NAME)` is the value of a
 * variable defined earlier (left as written when undefined), any other `$` stays.
 */
export function kubeletExpand(input: string, defined: Readonly<Record<string, string>>): string {
  let out = '';
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== '$' || cursor + 1 >= input.length) continue;
    out += input.slice(checkpoint, cursor);
    const rest = input.slice(cursor + 1);
    if (rest[0] === '$') {
      out += '$';
      cursor += 1;
    } else if (rest[0] === '(') {
      const close = rest.indexOf(')', 1);
      if (close === -1) {
        out += '$(';
        cursor += 1;
      } else {
        const name = rest.slice(1, close);
        out += name in defined ? defined[name] : `$(${name})`;
        cursor += close + 1;
      }
    } else {
      out += `$${rest[0]}`;
      cursor += 1;
    }
    checkpoint = cursor + 1;
  }
  return out + input.slice(checkpoint);
}

/** Every env variable of a container, expanded as the kubelet does, with Secret values from `secrets` (`name/key`). */
export function kubeletEnv(env: readonly any[], secrets: Readonly<Record<string, string>>): Record<string, string> {
  const resolved: Record<string, string> = {};
  for (const variable of env) {
    resolved[variable.name] = variable.valueFrom?.secretKeyRef
      ? secrets[`${variable.valueFrom.secretKeyRef.name}/${variable.valueFrom.secretKeyRef.key}`]
      : kubeletExpand(String(variable.value ?? ''), resolved);
  }
  return resolved;
}

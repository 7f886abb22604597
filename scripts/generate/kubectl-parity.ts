/** docs/generated/kubectl-parity.md: every `kubectl run` / `kubectl expose` flag and its prop (KUBECTL_FLAGS). */
import { kubectlParityMarkdown } from '../../lib/constructs/kubectl-parity';
import { generatedPage, Generator } from './generator';

export const kubectlParity: Generator = {
  output: 'docs/generated/kubectl-parity.md',
  render: () =>
    generatedPage(
      'KUBECTL_FLAGS, lib/constructs/kubectl-parity.ts (scripts/generate/kubectl-parity.ts)',
      'kubectl parity: every `kubectl run` / `kubectl expose` flag',
      `How the table is checked: [kubectl parity](../library.md#kubectl-parity-every-kubectl-run--kubectl-expose-flag).\n\n${kubectlParityMarkdown()}`,
    ),
};

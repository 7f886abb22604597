/**
 * An image without a tag (so `:latest`) or with `:latest` is accepted, as `kubectl run --image=nginx`
 * accepts it (kubectl parity), but warned about once per image: every pull may get another image.
 * Every construct's image prop goes through the same check.
 */
import { Testing } from 'cdk8s';
import { GitCloneTask, Images, RunPod, SharedProcessNamespacePod } from '../../../lib';

let warnings: string[];
let spy: jest.SpyInstance;
beforeEach(() => {
  warnings = [];
  spy = jest.spyOn(process, 'emitWarning').mockImplementation(((warning: string | Error) => {
    warnings.push(String(warning));
  }) as typeof process.emitWarning);
});
afterEach(() => spy.mockRestore());

test.each([
  ['nginx-warn-untagged', 'untagged'],
  ['nginx-warn-latest:latest', ':latest'],
  ['registry.local:5000/warn/app', 'untagged, with a registry port'],
])('%s (%s) synthesizes, with one warning naming the construct, the field and the image', (image) => {
  const chart = Testing.chart();
  new RunPod(chart, 'p', { name: 'web', image, podSecurity: 'baseline', port: 8080 });
  new RunPod(chart, 'again', { name: 'again', image, podSecurity: 'baseline', port: 8080 });
  expect(warnings).toEqual([
    `test/p: image "${image}" is not pinned (no tag, or "latest"): each pull may get another image; ` +
      'give a tag such as "nginx:1.27" or a digest (@sha256:...)',
  ]);
  expect(spy.mock.calls[0]![1]).toEqual({ type: 'UnpinnedImageWarning', code: 'K8S_PRACTICE_UNPINNED_IMAGE' });
});

test('pinned images (a tag, a digest) and the library defaults give no warning', () => {
  const chart = Testing.chart();
  new RunPod(chart, 'a', { name: 'a', image: 'nginx:1.27', podSecurity: 'baseline', port: 80 });
  new RunPod(chart, 'b', { name: 'b', image: `nginx@sha256:${'a'.repeat(64)}`, podSecurity: 'baseline', port: 80 });
  new RunPod(chart, 'c', { name: 'c' });
  new SharedProcessNamespacePod(chart, 'd', { shellImage: Images.shell });
  new GitCloneTask(chart, 'e');
  expect(warnings).toEqual([]);
});

test('other image props are checked too', () => {
  new GitCloneTask(Testing.chart(), 'clone', { image: 'alpine/git-warn' });
  expect(warnings).toEqual([expect.stringMatching(/^test\/clone: image "alpine\/git-warn" is not pinned/)]);
});

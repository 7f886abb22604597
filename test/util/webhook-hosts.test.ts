import { allowlistFor, webhookHost } from '../../lib/util/webhook-hosts';

describe('webhook hosts', () => {
  test.each([
    ['http://el-gogs-push.ci.svc.cluster.local:8080/', 'el-gogs-push.ci.svc.cluster.local'],
    ['http://el-gogs-push.ci.svc.cluster.local:8080/?token=abc', 'el-gogs-push.ci.svc.cluster.local'],
    ['https://hooks.example.com/path#frag', 'hooks.example.com'],
    ['http://10.96.0.20:8080', '10.96.0.20'],
    ['http://jenkins', 'jenkins'],
  ])('%s -> %s', (url, host) => {
    expect(webhookHost(url)).toEqual({ host });
  });

  test.each([
    ['ftp://files.example.com/', /scheme "ftp"/],
    ['el-gogs-push:8080', /scheme "el-gogs-push"|not an absolute URL/],
    ['/relative/path', /not an absolute URL/],
    ['http://', /not an absolute URL|no hostname/],
    ['http:/el-gogs-push/', /no hostname/],
    ['http://user:pw@el-gogs-push/', /credentials/],
    ['http://EL-Gogs-Push.ci.svc/', /not in canonical lower-case form "el-gogs-push.ci.svc"/],
    ['http://[::1]:8080/', /IPv6/],
    ['http://under_score.example/', /not a DNS name/],
    ['http://0x7f.1/', /canonical/],
  ])('rejects %s', (url, problem) => {
    const result = webhookHost(url);
    expect(result).toHaveProperty('problem');
    expect((result as { problem: string }).problem).toMatch(problem);
  });

  test('rejects non-strings', () => {
    expect(webhookHost(42)).toEqual({ problem: 'is not a string' });
  });

  test('the allowlist is the distinct hostnames, in first-seen order', () => {
    expect(
      allowlistFor([
        'http://b.ci.svc.cluster.local:8080/?token=1',
        'http://a.ci.svc.cluster.local:8080/',
        'https://b.ci.svc.cluster.local/other',
      ]),
    ).toEqual(['b.ci.svc.cluster.local', 'a.ci.svc.cluster.local']);
    expect(allowlistFor([])).toEqual([]);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResolveHost } from './target-resolver';
import { WebhookTargets } from './webhook-targets';

/** A resolver the test controls: name → addresses (unknown names do not resolve). */
const zone =
  (records: Record<string, string[]>): ResolveHost =>
  (host) => {
    const a = records[host];
    if (!a) return Promise.reject(Object.assign(new Error('nx'), { code: 'ENOTFOUND' }));
    return Promise.resolve(
      a.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
  };

const resolve = zone({
  'hooks.example.com': ['93.184.216.34'],
  'both.example.com': ['93.184.216.34', '10.0.0.5'],
  'internal.example.com': ['10.0.0.5'],
  'metadata.example.com': ['169.254.169.254'],
  'v6-private.example.com': ['fd00:ec2::254'],
  'localhost.example.com': ['127.0.0.1'],
});

describe('webhook targets', () => {
  const strict = new WebhookTargets(resolve, false);
  const dev = new WebhookTargets(resolve, true);
  const refused = async (t: WebhookTargets, url: string, reason: RegExp) => {
    const r = await t.check(url);
    assert.equal(r.ok, false, `${url} is refused`);
    assert.match(r.ok ? '' : r.reason, reason);
  };

  it('takes https to a public host, pinned to the address it resolved to', async () => {
    const r = await strict.check('https://hooks.example.com/fabflow');
    assert.ok(r.ok);
    assert.equal(r.target.address.address, '93.184.216.34');
    assert.equal(r.target.url.hostname, 'hooks.example.com');
  });

  it('refuses private, link-local, metadata, CGNAT, unique-local and loopback addresses, literal or resolved', async () => {
    await refused(strict, 'https://10.0.0.5/', /private network/);
    await refused(strict, 'https://169.254.169.254/latest/meta-data/', /link-local/);
    await refused(strict, 'https://100.100.100.200/', /carrier-grade NAT/);
    await refused(strict, 'https://[fd00:ec2::254]/', /unique-local/);
    await refused(strict, 'https://[::ffff:10.0.0.5]/', /embeds 10\.0\.0\.5/);
    await refused(
      strict,
      'https://internal.example.com/',
      /resolves to 10\.0\.0\.5 is a private network/,
    );
    await refused(strict, 'https://metadata.example.com/', /link-local/);
    await refused(strict, 'https://v6-private.example.com/', /unique-local/);
    await refused(strict, 'https://localhost.example.com/', /loopback/);
    await refused(strict, 'https://127.0.0.1/', /loopback/);
  });

  it('refuses a host with one private address among public ones', async () => {
    await refused(strict, 'https://both.example.com/', /10\.0\.0\.5/);
  });

  it('refuses http, credentials, hosts that do not resolve and what is not a URL', async () => {
    await refused(strict, 'http://hooks.example.com/', /https/);
    await refused(strict, 'https://u:p@hooks.example.com/', /credentials/);
    await refused(strict, 'https://nowhere.example.com/', /does not resolve/);
    await refused(strict, 'ftp://hooks.example.com/', /https/);
    await refused(strict, 'not a url', /valid URL/);
  });

  it('takes loopback (over http too) only when development allows it, and nothing else private', async () => {
    assert.ok((await dev.check('http://127.0.0.1:9000/x')).ok);
    assert.ok((await dev.check('http://localhost.example.com:9000/x')).ok);
    await refused(dev, 'http://10.0.0.5/x', /private network/);
    await refused(dev, 'https://10.0.0.5/x', /private network/);
    await refused(dev, 'http://hooks.example.com/x', /https/);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forbiddenAddressReason, isLoopback } from './address-policy';

describe('webhook address policy', () => {
  const forbidden = [
    '127.0.0.1',
    '127.255.0.9',
    '10.0.0.5',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.10',
    '169.254.169.254',
    '100.64.0.1',
    '100.100.100.200',
    '0.0.0.0',
    '224.0.0.251',
    '255.255.255.255',
    '198.18.0.1',
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    'fd00:ec2::254',
    'ff02::1',
    '::ffff:10.0.0.5',
    '::ffff:169.254.169.254',
    '::ffff:7f00:1',
    '64:ff9b::a9fe:a9fe',
    '2002:a9fe:a9fe::1',
    '2001:db8::1',
  ];
  for (const a of forbidden)
    it(`refuses ${a}`, () => assert.ok(forbiddenAddressReason(a), `${a} must be refused`));

  const allowed = [
    '93.184.216.34',
    '8.8.8.8',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700::1111',
    '::ffff:8.8.8.8',
  ];
  for (const a of allowed)
    it(`allows ${a}`, () => assert.equal(forbiddenAddressReason(a), undefined));

  it('names the range it refuses', () => {
    assert.match(forbiddenAddressReason('169.254.169.254')!, /link-local \(cloud metadata\)/);
    assert.match(
      forbiddenAddressReason('::ffff:10.0.0.5')!,
      /embeds 10\.0\.0\.5 is a private network/,
    );
  });

  it('knows loopback in every spelling', () => {
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1'])
      assert.ok(isLoopback(a), a);
    assert.equal(isLoopback('10.0.0.1'), false);
  });
});

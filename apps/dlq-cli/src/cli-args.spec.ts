import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCliArgs, UsageError } from './cli-args';

const QUEUES = ['crm.orders', 'mes.orders'];
const parse = (line: string) => parseCliArgs(line.split(' ').filter(Boolean), QUEUES);

describe('dlq CLI arguments', () => {
  it('lists every known queue by default, or one with --queue', () => {
    assert.deepEqual(parse('list').command, { name: 'list', queues: QUEUES });
    assert.deepEqual(parse('list --queue mes.orders --json'), {
      command: { name: 'list', queues: ['mes.orders'] },
      json: true,
    });
  });

  it('reads each replay selector, the rate and the limit', () => {
    assert.deepEqual(parse('replay crm.orders --id a --id b --rate 10').command, {
      name: 'replay',
      queue: 'crm.orders',
      selection: { ids: ['a', 'b'] },
      ratePerSecond: 10,
      limit: 1000,
    });
    assert.deepEqual(parse('replay crm.orders --all').command, {
      name: 'replay',
      queue: 'crm.orders',
      selection: { all: true },
      ratePerSecond: 50,
      limit: 1000,
    });
    const byType = parse('replay crm.orders --type fabflow.shop.order.placed.v1 --limit 5');
    assert.deepEqual(byType.command, {
      name: 'replay',
      queue: 'crm.orders',
      selection: { type: 'fabflow.shop.order.placed.v1' },
      ratePerSecond: 50,
      limit: 5,
    });
  });

  it('refuses bad arguments with a reason', () => {
    const cases: Array<[string, RegExp]> = [
      ['', /no command/],
      ['frobnicate', /unknown command "frobnicate"/],
      ['constructor', /unknown command "constructor"/],
      ['messages', /needs a queue/],
      ['messages shop.nope', /unknown queue "shop.nope"; known queues: crm.orders, mes.orders/],
      ['show crm.orders', /needs a queue and a message id/],
      ['show crm.orders a b', /unexpected argument/],
      ['replay crm.orders', /exactly one of --all, --type T or --id ID/],
      ['replay crm.orders --all --id x', /exactly one of/],
      ['replay crm.orders --all --rate 0', /--rate must be a whole number from 1 to 500/],
      ['replay crm.orders --all --rate fast', /--rate must be/],
      ['purge crm.orders', /add --confirm crm.orders/],
      ['list --confirm crm.orders', /list does not take --confirm/],
      ['list --frobnicate', /Unknown option '--frobnicate'/],
    ];
    for (const [line, reason] of cases) {
      assert.throws(
        () => parse(line),
        (err: Error) => err instanceof UsageError && reason.test(err.message),
        line,
      );
    }
  });

  it('help needs no broker and no queue', () => {
    assert.deepEqual(parse('--help').command, { name: 'help' });
    assert.deepEqual(parse('help').command, { name: 'help' });
  });
});

import { expect } from 'vitest';
import { conformance, type ConformanceContext } from '../../lib/harness/conformance.ts';
import { expectCollection, expectFault, expectItem, expectSameMap, expectStatus } from '../../lib/harness/expect.ts';
import { seed } from '../../lib/harness/fixtures.ts';
import { withLockedServer } from '../../lib/harness/lock.ts';
import { describeExchange, type Exchange } from '../../lib/http/exchange.ts';

/** 409 conflictingRequest for a write on the locked server; an accepted write names the admin bypass as a possible cause. */
function expectRefusedWhileLocked(ctx: ConformanceContext, ex: Exchange): void {
  if ([...ctx.profile.success.write, ...ctx.profile.success.delete].includes(ex.response.status)) {
    expect.fail(`a write on a locked server was accepted: ${describeExchange(ex)} (Nova lets admins bypass the lock: use a non-admin token)`);
  }
  expectFault(ex, 409);
}

conformance('SM-STATE-003', 'every write on a locked server is 409 conflictingRequest and changes nothing', async (ctx) => {
  const stored = { k: 'v', other: 'w' };
  await seed(ctx, stored);
  const ops = ctx.profile.operations;
  await withLockedServer(ctx, async () => {
    if (ops.replaceAll) await ctx.step('PUT all', async () => expectRefusedWhileLocked(ctx, await ctx.server.replaceAll({ x: 'y' })));
    if (ops.merge) await ctx.step('POST merge', async () => expectRefusedWhileLocked(ctx, await ctx.server.merge({ x: 'y' })));
    if (ops.setItem) await ctx.step('PUT item', async () => expectRefusedWhileLocked(ctx, await ctx.server.setItem('k', 'changed')));
    if (ops.deleteItem) await ctx.step('DELETE item', async () => expectRefusedWhileLocked(ctx, await ctx.server.deleteItem('k')));
  });
  expectSameMap(expectCollection(await ctx.server.list(), ctx.profile.success.read), stored, 'metadata after the refused writes');
}, { requires: ['list', 'replaceAll'] });

conformance('SM-LIST-004', 'reads on a locked server answer the stored metadata', async (ctx) => {
  const stored = { k: 'v', other: 'w' };
  await seed(ctx, stored);
  await withLockedServer(ctx, async () => {
    expectSameMap(expectCollection(await ctx.server.list(), ctx.profile.success.read), stored, 'list of a locked server');
    if (ctx.profile.operations.show) expect(expectItem(await ctx.server.show('k'), ctx.profile.success.read)).toEqual(['k', 'v']);
  });
}, { requires: ['list', 'replaceAll'] });

conformance('SM-STATE-004', 'reads are never 409, on a locked server or on a server in a state that forbids writes', async (ctx) => {
  const reads = async (client: typeof ctx.server, key: string | undefined) => {
    const answers = [await client.list()];
    if (key !== undefined && ctx.profile.operations.show) answers.push(await client.show(key));
    for (const ex of answers) {
      if (ex.response.status === 409) expect.fail(`a read answered 409: ${describeExchange(ex)}`);
      expectStatus(ex, ctx.profile.success.read);
    }
  };
  if (ctx.target.errorServerId) {
    await ctx.step('reads of the server in a state that forbids writes', async () => {
      const client = ctx.serverById(ctx.target.errorServerId!);
      const map = expectCollection(await client.list(), ctx.profile.success.read);
      await reads(client, Object.keys(map)[0]);
    });
  }
  await seed(ctx, { k: 'v' });
  await withLockedServer(ctx, async () => ctx.step('reads of a locked server', () => reads(ctx.server, 'k')));
}, { requires: ['list', 'replaceAll'], uses: ['server', 'fixtures'] });

conformance('SM-DEL-004', 'DELETE of an absent key on a locked server is 404, not 409', async (ctx) => {
  await seed(ctx, { k: 'v' });
  await withLockedServer(ctx, async () => {
    expectFault(await ctx.server.deleteItem('absent-key'), 404);
  });
}, { requires: ['deleteItem', 'replaceAll'] });

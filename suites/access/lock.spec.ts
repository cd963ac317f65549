import { expect } from 'vitest';
import { conformance, type ConformanceContext } from '../../lib/harness/conformance.ts';
import { expectStatus, SUCCESS } from '../../lib/harness/expect.ts';
import { expectState, seed } from '../../lib/harness/fixtures.ts';
import { answerOf, expectError } from '../../lib/harness/refusals.ts';
import { collectionMap, itemValue } from '../../lib/harness/lenient.ts';
import { withLockedServer } from '../../lib/harness/lock.ts';
import { describeExchange, type Exchange } from '../../lib/http/exchange.ts';

/** 409 conflictingRequest for a write on the locked server; an accepted write names the admin bypass as a possible cause. */
function expectRefusedWhileLocked(ctx: ConformanceContext, ex: Exchange): void {
  if (SUCCESS.includes(ex.response.status)) {
    expect.fail(`a write on a locked server was accepted: ${describeExchange(ex)} (Nova lets admins bypass the lock: use a non-admin token)`);
  }
  expectError(ctx, ex, 409);
}

conformance('SM-STATE-003', { title: 'every write on a locked server is 409 conflictingRequest and changes nothing' }, async (ctx) => {
  const stored = { k: 'v', other: 'w' };
  await seed(ctx, stored);
  await withLockedServer(ctx, async () => {
    if (ctx.serves('replaceAll')) await ctx.step('PUT all', async () => expectRefusedWhileLocked(ctx, await answerOf(() => ctx.server.replaceAll({ x: 'y' }))));
    if (ctx.serves('merge')) await ctx.step('POST merge', async () => expectRefusedWhileLocked(ctx, await answerOf(() => ctx.server.merge({ x: 'y' }))));
    if (ctx.serves('setItem')) await ctx.step('PUT item', async () => expectRefusedWhileLocked(ctx, await answerOf(() => ctx.server.setItem('k', 'changed'))));
    if (ctx.serves('deleteItem')) await ctx.step('DELETE item', async () => expectRefusedWhileLocked(ctx, await answerOf(() => ctx.server.deleteItem('k'))));
  });
  await expectState(ctx, stored, 'metadata after the refused writes');
});

conformance('SM-LIST-004', { title: 'reads on a locked server answer the stored metadata', requires: ['list'] }, async (ctx) => {
  const stored = { k: 'v', other: 'w' };
  await seed(ctx, stored);
  await withLockedServer(ctx, async () => {
    const listed = await ctx.server.list();
    expectStatus(listed, SUCCESS);
    expect(collectionMap(listed), 'list of a locked server').toEqual(stored);
    if (ctx.serves('show')) {
      const shown = await ctx.server.show('k');
      expectStatus(shown, SUCCESS);
      expect(itemValue(shown, 'k'), 'GET item of a locked server').toBe('v');
    }
  });
});

conformance('SM-STATE-004', { title: 'reads are never 409, on a locked server or on a server in a state that forbids writes', uses: ['server', 'fixtures'] }, async (ctx) => {
  const reads = async (client: typeof ctx.server, key: string | undefined) => {
    const answers: Exchange[] = [];
    if (ctx.serves('list', client)) answers.push(await client.list());
    if (key !== undefined && ctx.serves('show', client)) answers.push(await client.show(key));
    for (const ex of answers) {
      if (ex.response.status === 409) expect.fail(`a read answered 409: ${describeExchange(ex)}`);
      expectStatus(ex, SUCCESS);
    }
  };
  if (ctx.target.errorServerId) {
    await ctx.step('reads of the server in a state that forbids writes', async () => {
      const client = ctx.serverById(ctx.target.errorServerId!);
      const listed = ctx.serves('list', client) ? await client.list() : undefined;
      await reads(client, Object.keys((listed && collectionMap(listed)) ?? {})[0]);
    });
  }
  await seed(ctx, { k: 'v' });
  await withLockedServer(ctx, async () => ctx.step('reads of a locked server', () => reads(ctx.server, 'k')));
});

conformance('SM-DEL-004', { title: 'DELETE of an absent key on a locked server is 404, not 409', requires: ['deleteItem'] }, async (ctx) => {
  await seed(ctx, { k: 'v' });
  await withLockedServer(ctx, async () => {
    expectError(ctx, await ctx.server.deleteItem('absent-key'), 404);
  });
});

import { conformance } from '../../lib/harness/conformance.ts';
import { expectCollection, expectEmptyBody, expectFault, expectSameMap, expectStatus } from '../../lib/harness/expect.ts';
import { seed } from '../../lib/harness/fixtures.ts';

conformance('SM-DEL-001', 'DELETE item answers 204 with an empty body', async (ctx) => {
  await seed(ctx, { gone: '1', stays: '2' });
  const ex = await ctx.server.deleteItem('gone');
  expectStatus(ex, ctx.profile.success.delete);
  expectEmptyBody(ex);
}, { requires: ['deleteItem', 'replaceAll'] });

conformance('SM-DEL-002', 'DELETE item removes that key and keeps the others', async (ctx) => {
  await seed(ctx, { gone: '1', stays: '2' });
  await ctx.step('DELETE gone', () => ctx.server.deleteItem('gone'));
  expectFault(await ctx.server.show('gone'), 404);
  expectSameMap(expectCollection(await ctx.server.list(), ctx.profile.success.read), { stays: '2' }, 'metadata after delete');
}, { requires: ['deleteItem', 'show', 'list', 'replaceAll'] });

conformance('SM-DEL-003', 'DELETE of an absent key is 404, and so is a second DELETE', async (ctx) => {
  await seed(ctx, { once: '1' });
  expectFault(await ctx.server.deleteItem('never-there'), 404);
  await ctx.arrange('first DELETE of once', async () => {
    const ex = await ctx.server.deleteItem('once');
    if (!ctx.profile.success.delete.includes(ex.response.status)) throw new Error(`DELETE answered ${ex.response.status}`);
  });
  expectFault(await ctx.server.deleteItem('once'), 404);
}, { requires: ['deleteItem', 'replaceAll'] });

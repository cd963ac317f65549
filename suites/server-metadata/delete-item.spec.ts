import { conformance } from '../../lib/harness/conformance.ts';
import { expectState, seed } from '../../lib/harness/fixtures.ts';
import { expectError } from '../../lib/harness/refusals.ts';
import { expectAccepted } from '../../lib/harness/writers.ts';

conformance('SM-DEL-001', { title: 'DELETE item answers 204 with an empty body', requires: ['deleteItem'] }, async (ctx) => {
  await seed(ctx, { gone: '1', stays: '2' });
  await ctx.ok.deleteItem('gone');
});

conformance('SM-DEL-002', { title: 'DELETE item removes that key and keeps the others', requires: ['deleteItem'] }, async (ctx) => {
  await seed(ctx, { gone: '1', stays: '2' });
  await ctx.step('DELETE gone', () => ctx.server.deleteItem('gone'));
  await expectState(ctx, { stays: '2' }, 'metadata after delete', ctx.server, ['gone']);
});

conformance('SM-DEL-003', { title: 'DELETE of an absent key is 404, and so is a second DELETE', requires: ['deleteItem'] }, async (ctx) => {
  await seed(ctx, { once: '1' });
  expectError(ctx, await ctx.server.deleteItem('never-there'), 404);
  await ctx.arrange('first DELETE of once', async () => expectAccepted(ctx, await ctx.server.deleteItem('once'), 'DELETE once'));
  expectError(ctx, await ctx.server.deleteItem('once'), 404);
});

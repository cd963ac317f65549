import { conformance } from '../../lib/harness/conformance.ts';
import { expectEmptyBody, expectStatus } from '../../lib/harness/expect.ts';
import { seed } from '../../lib/harness/fixtures.ts';

conformance('SM-STATUS-001', 'reads, writes and deletes answer the profile\'s success statuses; DELETE has an empty body', async (ctx) => {
  await seed(ctx, { k: 'v' });
  const { read, write, delete: deleted } = ctx.profile.success;
  const ops = ctx.profile.operations;
  if (ops.list) await ctx.step('GET collection', async () => expectStatus(await ctx.server.list(), read));
  if (ops.show) await ctx.step('GET item', async () => expectStatus(await ctx.server.show('k'), read));
  if (ops.replaceAll) await ctx.step('PUT collection', async () => expectStatus(await ctx.server.replaceAll({ k: 'v', d: 'x' }), write));
  if (ops.merge) await ctx.step('POST collection', async () => expectStatus(await ctx.server.merge({ m: 'v' }), write));
  if (ops.setItem) await ctx.step('PUT item', async () => expectStatus(await ctx.server.setItem('s', 'v'), write));
  if (ops.deleteItem) {
    await ctx.step('DELETE item', async () => {
      const ex = await ctx.server.deleteItem('d');
      expectStatus(ex, deleted);
      expectEmptyBody(ex);
    });
  }
}, { requires: ['replaceAll'] });

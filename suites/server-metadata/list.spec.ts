import { conformance } from '../../lib/harness/conformance.ts';
import { expectCollection, expectSameMap } from '../../lib/harness/expect.ts';
import { seed } from '../../lib/harness/fixtures.ts';

conformance('SM-LIST-001', 'list returns exactly the stored set', async (ctx) => {
  const stored = { alpha: 'one', 'Beta-Key': 'Two', 'c:d.e-f_g': '3' };
  await seed(ctx, stored);
  const listed = expectCollection(await ctx.server.list(), ctx.profile.success.read);
  expectSameMap(listed, stored, 'listed metadata');
}, { requires: ['list', 'replaceAll'] });

conformance('SM-LIST-002', 'list of a server without metadata is an empty map', async (ctx) => {
  await seed(ctx, {});
  const listed = expectCollection(await ctx.server.list(), ctx.profile.success.read);
  expectSameMap(listed, {}, 'listed metadata');
}, { requires: ['list', 'replaceAll'] });

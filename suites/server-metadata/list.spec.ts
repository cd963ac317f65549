import { conformance } from '../../lib/harness/conformance.ts';
import { expectSameMap } from '../../lib/harness/expect.ts';
import { seed } from '../../lib/harness/fixtures.ts';

conformance('SM-LIST-001', { title: 'list returns exactly the stored set', requires: ['list'] }, async (ctx) => {
  const stored = { alpha: 'one', 'Beta-Key': 'Two', 'c:d.e-f_g': '3' };
  await seed(ctx, stored);
  expectSameMap(await ctx.ok.list(), stored, 'listed metadata');
});

conformance('SM-LIST-002', { title: 'list of a server without metadata is an empty map', requires: ['list'] }, async (ctx) => {
  await seed(ctx, {});
  expectSameMap(await ctx.ok.list(), {}, 'listed metadata');
});

import { conformance } from '../../lib/harness/conformance.ts';
import { expectCollection, expectSameMap, expectStatus } from '../../lib/harness/expect.ts';
import { seed } from '../../lib/harness/fixtures.ts';

conformance('SM-MERGE-001', 'POST creates and updates the request keys and keeps the others', async (ctx) => {
  await seed(ctx, { a: '1', b: '2' });
  await ctx.step('POST {b: 22, c: 3}', () => ctx.server.merge({ b: '22', c: '3' }));
  const listed = expectCollection(await ctx.server.list(), ctx.profile.success.read);
  expectSameMap(listed, { a: '1', b: '22', c: '3' }, 'metadata after merge');
}, { requires: ['merge', 'list', 'replaceAll'] });

conformance('SM-MERGE-002', 'POST answers the full merged set', async (ctx) => {
  await seed(ctx, { a: '1', b: '2' });
  const merged = expectCollection(await ctx.server.merge({ c: '3' }), ctx.profile.success.write);
  expectSameMap(merged, { a: '1', b: '2', c: '3' }, 'merge response');
}, { requires: ['merge', 'replaceAll'] });

conformance('SM-MERGE-003', 'POST answers a success status of the profile (never 201)', async (ctx) => {
  await seed(ctx, {});
  expectStatus(await ctx.server.merge({ created: 'yes' }), ctx.profile.success.write);
}, { requires: ['merge', 'replaceAll'] });

conformance('SM-MERGE-004', 'POST of an empty map changes nothing', async (ctx) => {
  await seed(ctx, { a: '1', b: '2' });
  const merged = expectCollection(await ctx.server.merge({}), ctx.profile.success.write);
  expectSameMap(merged, { a: '1', b: '2' }, 'merge response');
  expectSameMap(expectCollection(await ctx.server.list(), ctx.profile.success.read), { a: '1', b: '2' }, 'metadata after empty merge');
}, { requires: ['merge', 'list', 'replaceAll'] });

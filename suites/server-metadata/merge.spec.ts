import { conformance } from '../../lib/harness/conformance.ts';
import { expectSameMap, expectStatus } from '../../lib/harness/expect.ts';
import { expectState, seed, seedOrObserve } from '../../lib/harness/fixtures.ts';

conformance('SM-MERGE-001', { title: 'POST creates and updates the request keys and keeps the others', requires: ['merge'] }, async (ctx) => {
  // the rule holds from any starting state: when this one cannot be arranged, the test starts from what is stored
  const start = await seedOrObserve(ctx, { a: '1', b: '2' });
  await ctx.step('POST {b: 22, c: 3}', () => ctx.server.merge({ b: '22', c: '3' }));
  await expectState(ctx, { ...start, b: '22', c: '3' }, 'metadata after merge');
});

conformance('SM-MERGE-002', { title: 'POST answers the full merged set', requires: ['merge'] }, async (ctx) => {
  await seed(ctx, { a: '1', b: '2' });
  expectSameMap(await ctx.ok.merge({ c: '3' }), { a: '1', b: '2', c: '3' }, 'merge response');
});

conformance('SM-MERGE-003', { title: 'POST answers a success status of the profile (never 201)', requires: ['merge'] }, async (ctx) => {
  await seed(ctx, {});
  expectStatus(await ctx.server.merge({ created: 'yes' }), ctx.profile.success.write);
});

conformance('SM-MERGE-004', { title: 'POST of an empty map changes nothing and answers the current set', requires: ['merge'] }, async (ctx) => {
  await seed(ctx, { a: '1', b: '2' });
  expectSameMap(await ctx.ok.merge({}), { a: '1', b: '2' }, 'merge response');
  await expectState(ctx, { a: '1', b: '2' }, 'metadata after empty merge');
});

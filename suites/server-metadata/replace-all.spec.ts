import { conformance } from '../../lib/harness/conformance.ts';
import { expectSameMap } from '../../lib/harness/expect.ts';
import { expectState, seed, seedOrObserve } from '../../lib/harness/fixtures.ts';

conformance('SM-REPLACE-001', { title: 'PUT replaces the whole set; keys not in the request are gone', requires: ['replaceAll'] }, async (ctx) => {
  // the rule holds from any starting state: when this one cannot be arranged, the test starts from what is stored
  const start = await seedOrObserve(ctx, { old1: 'a', old2: 'b', kept: 'old' });
  const replacement = { kept: 'new', fresh: 'c' };
  await ctx.step('PUT the replacement', () => ctx.server.replaceAll(replacement));
  await expectState(ctx, replacement, 'metadata after replace-all', ctx.server, Object.keys(start).filter((k) => !(k in replacement)));
});

conformance('SM-REPLACE-002', { title: 'PUT answers the request map', requires: ['replaceAll'] }, async (ctx) => {
  await seed(ctx, { before: 'x' });
  const replacement = { one: '1', two: 'zwei' };
  expectSameMap(await ctx.ok.replaceAll(replacement), replacement, 'replace-all response');
});

conformance('SM-REPLACE-003', { title: 'PUT of an empty map deletes every key', requires: ['replaceAll'] }, async (ctx) => {
  await seed(ctx, { a: '1', b: '2' });
  expectSameMap(await ctx.ok.replaceAll({}), {}, 'replace-all response');
  await expectState(ctx, {}, 'metadata after replace-all', ctx.server, ['a', 'b']);
});

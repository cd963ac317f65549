import { conformance } from '../../lib/harness/conformance.ts';
import { expectCollection, expectSameMap } from '../../lib/harness/expect.ts';
import { seed } from '../../lib/harness/fixtures.ts';

conformance('SM-REPLACE-001', 'PUT replaces the whole set; keys not in the request are gone', async (ctx) => {
  await seed(ctx, { old1: 'a', old2: 'b', kept: 'old' });
  const replacement = { kept: 'new', fresh: 'c' };
  await ctx.step('PUT the replacement', () => ctx.server.replaceAll(replacement));
  const listed = expectCollection(await ctx.server.list(), ctx.profile.success.read);
  expectSameMap(listed, replacement, 'metadata after replace-all');
}, { requires: ['replaceAll', 'list'] });

conformance('SM-REPLACE-002', 'PUT answers the request map', async (ctx) => {
  await seed(ctx, { before: 'x' });
  const replacement = { one: '1', two: 'zwei' };
  const echoed = expectCollection(await ctx.server.replaceAll(replacement), ctx.profile.success.write);
  expectSameMap(echoed, replacement, 'replace-all response');
}, { requires: ['replaceAll'] });

conformance('SM-REPLACE-003', 'PUT of an empty map deletes every key', async (ctx) => {
  await seed(ctx, { a: '1', b: '2' });
  const echoed = expectCollection(await ctx.server.replaceAll({}), ctx.profile.success.write);
  expectSameMap(echoed, {}, 'replace-all response');
  expectSameMap(expectCollection(await ctx.server.list(), ctx.profile.success.read), {}, 'metadata after replace-all');
}, { requires: ['replaceAll', 'list'] });

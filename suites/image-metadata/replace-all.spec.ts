import { conformance } from '../../lib/harness/conformance.ts';
import { expectCollection, expectSameMap } from '../../lib/harness/expect.ts';
import { seed } from '../../lib/harness/fixtures.ts';
import { imageClient } from '../../lib/harness/image.ts';

conformance('IM-REPLACE-001', 'PUT on the image collection answers the request map', async (ctx) => {
  const image = imageClient(ctx, ['replaceAll']);
  await seed(ctx, { before: 'x' }, image);
  const replacement = { one: '1', two: 'zwei' };
  expectSameMap(expectCollection(await image.replaceAll(replacement), ctx.profile.success.write), replacement, 'replace-all response');
});

conformance('IM-REPLACE-001', 'PUT on the image collection leaves exactly the request map; other properties are gone', async (ctx) => {
  const image = imageClient(ctx, ['replaceAll', 'list']);
  await seed(ctx, { old1: 'a', old2: 'b', kept: 'old' }, image);
  const replacement = { kept: 'new', fresh: 'c' };
  await ctx.step('PUT the replacement', () => image.replaceAll(replacement));
  expectSameMap(expectCollection(await image.list(), ctx.profile.success.read), replacement, 'image properties after replace-all');
});

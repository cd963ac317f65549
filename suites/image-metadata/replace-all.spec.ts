import { conformance } from '../../lib/harness/conformance.ts';
import { expectCollection, expectSameMap } from '../../lib/harness/expect.ts';
import { imageClient, seedImage } from '../../lib/harness/image.ts';

conformance('IM-REPLACE-001', 'PUT on the image collection answers the request map and leaves exactly it; other properties are gone', async (ctx) => {
  const image = imageClient(ctx, ['replaceAll', 'list']);
  await seedImage(ctx, { old1: 'a', old2: 'b', kept: 'old' }, image);
  const replacement = { kept: 'new', fresh: 'c' };
  await ctx.step('PUT the replacement', async () => {
    expectSameMap(expectCollection(await image.replaceAll(replacement), ctx.profile.success.write), replacement, 'replace-all response');
  });
  expectSameMap(expectCollection(await image.list(), ctx.profile.success.read), replacement, 'image properties after replace-all');
}, { uses: ['image'] });

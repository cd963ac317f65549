import { conformance } from '../../lib/harness/conformance.ts';
import { expectSameMap } from '../../lib/harness/expect.ts';
import { expectState } from '../../lib/harness/fixtures.ts';
import { imageClient, seedImage } from '../../lib/harness/image.ts';

conformance('IM-REPLACE-001', { title: 'PUT on the image collection answers the request map and leaves exactly it; other properties are gone', requires: ['replaceAll'], on: 'images', uses: ['image'] }, async (ctx) => {
  const image = imageClient(ctx);
  await seedImage(ctx, { old1: 'a', old2: 'b', kept: 'old' }, image);
  const replacement = { kept: 'new', fresh: 'c' };
  await ctx.step('PUT the replacement', async () => expectSameMap(await ctx.checked(image).replaceAll(replacement), replacement, 'replace-all response'));
  await expectState(ctx, replacement, 'image properties after replace-all', image, ['old1', 'old2']);
});

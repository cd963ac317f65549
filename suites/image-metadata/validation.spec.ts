import { conformance } from '../../lib/harness/conformance.ts';
import { expectCollection, expectFault, expectSameMap } from '../../lib/harness/expect.ts';
import { imageClient, seedImage, type ImageOperation } from '../../lib/harness/image.ts';
import { keyRegExp } from '../../profiles/index.ts';

/** Representative invalid requests (the full key/value matrix is checked on server metadata). */
conformance('IM-VAL-001', 'a bad key, a too-long value or a non-string value answers 400 and changes nothing', async (ctx) => {
  const image = imageClient(ctx, ['replaceAll', 'list']);
  const { keys, values } = ctx.profile;
  const longKey = 'k'.repeat(keys.maxLength + 1);
  const longValue = 'v'.repeat(values.maxLength + 1);
  const cases: { what: string; op: ImageOperation; method: string; key?: string; json: unknown }[] = [
    { what: `POST a key of ${longKey.length} characters`, op: 'merge', method: 'POST', json: { metadata: { [longKey]: 'v' } } },
    ...(keyRegExp(ctx.profile).test('a/b') ? [] : [{ what: 'POST the key "a/b"', op: 'merge' as const, method: 'POST', json: { metadata: { 'a/b': 'v' } } }]),
    { what: `POST a value of ${longValue.length} characters`, op: 'merge', method: 'POST', json: { metadata: { k: longValue } } },
    { what: 'POST an integer value', op: 'merge', method: 'POST', json: { metadata: { k: 1 } } },
    { what: 'PUT the collection with a null value', op: 'replaceAll', method: 'PUT', json: { metadata: { k: null } } },
    { what: `PUT an item with a value of ${longValue.length} characters`, op: 'setItem', method: 'PUT', key: 'k', json: { meta: { k: longValue } } },
  ];
  const documented = cases.filter((c) => ctx.profile.imageOperations[c.op]);
  const seeded = { a: '1', b: '2' };
  await seedImage(ctx, seeded, image);
  for (const c of documented) {
    await ctx.step(c.what, async () => {
      expectFault(await image.raw(c.method, c.key, { json: c.json }), 400);
    });
  }
  expectSameMap(expectCollection(await image.list(), ctx.profile.success.read), seeded, 'image properties after the refused requests');
}, { uses: ['image'] });

import { expect } from 'vitest';
import { conformance } from '../../lib/harness/conformance.ts';
import { expectItem, expectSameMap } from '../../lib/harness/expect.ts';
import { currentMetadata, expectRefused, seed } from '../../lib/harness/fixtures.ts';
import { keyRegExp } from '../../profiles/index.ts';

/** Keys whose item URLs need percent-encoding or look like a path with a format suffix. */
const URL_KEYS = ['a b', 'a:b', 'a.b', 'a.json', 'a.xml', 'Az09-_:. x'] as const;

conformance('SM-URL-005', 'keys with space, ":", "." and ".json" are set and read through item URLs exactly', async (ctx) => {
  const pattern = keyRegExp(ctx.profile);
  const keys = URL_KEYS.filter((k) => pattern.test(k));
  const expected: Record<string, string> = { a: 'plain' };
  await seed(ctx, expected);
  for (const key of keys) {
    const value = `value of ${key}`;
    await ctx.step(`PUT item ${JSON.stringify(key)} (${ctx.server.url(key)})`, async () => {
      expect(expectItem(await ctx.server.setItem(key, value), ctx.profile.success.write)).toEqual([key, value]);
    });
    expected[key] = value;
  }
  expectSameMap(await currentMetadata(ctx), expected, 'metadata after PUT item of every key');
  for (const [key, value] of Object.entries(expected)) {
    expect(expectItem(await ctx.server.show(key), ctx.profile.success.read), `GET item ${JSON.stringify(key)}`).toEqual([key, value]);
  }
}, { requires: ['setItem', 'show', 'list', 'replaceAll'] });

conformance('SM-SET-003', 'PUT item whose body key differs from the URL key (also only by case) is 400 and changes nothing', async (ctx) => {
  const before = { a: '1', b: '2' };
  await seed(ctx, before);
  for (const [urlKey, bodyKey] of [['b', 'a'], ['c', 'a'], ['A', 'a']] as const) {
    await ctx.step(`PUT item ${urlKey} with body key ${bodyKey}`, async () => {
      const { message } = await expectRefused(ctx, await ctx.server.raw('PUT', urlKey, { json: { meta: { [bodyKey]: 'changed' } } }), 400, before);
      expect(message, 'fault message').toContain('Request body and URI mismatch');
    });
  }
}, { requires: ['setItem', 'list', 'replaceAll'] });

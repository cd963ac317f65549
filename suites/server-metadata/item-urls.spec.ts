import { expect } from 'vitest';
import { conformance } from '../../lib/harness/conformance.ts';
import { expectStatus, SUCCESS } from '../../lib/harness/expect.ts';
import { expectState, seed } from '../../lib/harness/fixtures.ts';
import { expectRefused } from '../../lib/harness/refusals.ts';
import { expectAccepted } from '../../lib/harness/writers.ts';
import { itemValue } from '../../lib/harness/lenient.ts';
import { keyRegExp } from '../../profiles/index.ts';

/** Keys whose item URLs need percent-encoding or look like a path with a format suffix. */
const URL_KEYS = ['a b', 'a:b', 'a.b', 'a.json', 'a.xml', 'Az09-_:. x'] as const;

conformance('SM-URL-005', { title: 'keys with space, ":", "." and ".json" are set and read through item URLs exactly', requires: ['setItem', 'show'] }, async (ctx) => {
  const pattern = keyRegExp(ctx.profile);
  const keys = URL_KEYS.filter((k) => pattern.test(k));
  // the keys are stored first (arranged, through the bodies where the target can): this rule is their item URLs
  const stored: Record<string, string> = Object.fromEntries([['a', 'plain'], ...keys.map((k) => [k, `stored ${k}`])]);
  await seed(ctx, stored);
  for (const [key, value] of Object.entries(stored)) {
    await ctx.step(`GET item ${JSON.stringify(key)} (${ctx.server.url(key)})`, async () => {
      const ex = await ctx.server.show(key);
      expectStatus(ex, SUCCESS);
      expect(itemValue(ex, key), `GET item ${JSON.stringify(key)}`).toBe(value);
    });
  }
  const expected = { ...stored };
  for (const key of keys) {
    const value = `set through ${key}`;
    await ctx.step(`PUT item ${JSON.stringify(key)} (${ctx.server.url(key)})`, async () => expectAccepted(ctx, await ctx.server.setItem(key, value), `PUT item ${JSON.stringify(key)}`));
    expected[key] = value;
  }
  await expectState(ctx, expected, 'metadata after PUT item of every key: each key addressed exactly');
});

conformance('SM-SET-003', { title: 'PUT item whose body key differs from the URL key (also only by case) is 400 and changes nothing', requires: ['setItem'] }, async (ctx) => {
  const before = { a: '1', b: '2' };
  await seed(ctx, before);
  for (const [urlKey, bodyKey] of [['b', 'a'], ['c', 'a'], ['A', 'a']] as const) {
    await ctx.step(`PUT item ${urlKey} with body key ${bodyKey}`, async () => {
      const { message } = await expectRefused(ctx, await ctx.server.raw('PUT', urlKey, { json: { meta: { [bodyKey]: 'changed' } } }), 400, before);
      expect(message, 'fault message').toContain('Request body and URI mismatch');
    });
  }
});

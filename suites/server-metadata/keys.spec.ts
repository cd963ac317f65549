import { expect } from 'vitest';
import { conformance, type ConformanceContext } from '../../lib/harness/conformance.ts';
import { expectCollection, expectFault, expectItem, expectSameMap } from '../../lib/harness/expect.ts';
import { currentMetadata, expectAllRefused, expectRefused, expectRefusedCases, seed, type RefusedCase } from '../../lib/harness/fixtures.ts';
import { keyRegExp } from '../../profiles/index.ts';

/** One key per character class; whether each is valid is decided by the profile's key pattern, never here. */
const KEY_CLASSES: readonly (readonly [string, string])[] = [
  ['upper-case letters', 'ABCXYZ'],
  ['lower-case letters', 'abcxyz'],
  ['digits', '0189'],
  ['hyphen', 'a-b'],
  ['underscore', 'a_b'],
  ['colon', 'a:b'],
  ['period', 'a.b'],
  ['space', 'a b'],
  ['every ASCII class at once', 'Az09-_:.'],
  ['slash', 'a/b'],
  ['at sign', 'a@b'],
  ['hash', 'a#b'],
  ['dollar', 'a$b'],
  ['percent', 'a%b'],
  ['tab', 'a\tb'],
  ['Cyrillic letters', 'ключ'],
];

const SPACE_KEYS = ['a b', ' ', 'a ', ' a', 'a  b'] as const;
const NON_ASCII_KEYS = ['ключ', 'é', 'clé', '键', '😀', 'Ａ'] as const;

function keyAllowed(ctx: ConformanceContext, key: string): boolean {
  return keyRegExp(ctx.profile).test(key);
}

/** A key an item URL can address (a '/' would split the path, '.' and '..' are dot-segments). */
function addressable(key: string): boolean {
  return !key.includes('/') && key !== '.' && key !== '..';
}

/** Every way a key reaches the server in a body: POST, PUT collection (next to a valid key), PUT item. */
function keyRefused(ctx: ConformanceContext, key: string): RefusedCase {
  return {
    step: `key ${JSON.stringify(key)} is refused`,
    writes: [
      () => ctx.server.merge({ [key]: 'v' }),
      () => ctx.server.replaceAll({ valid: 'v', [key]: 'v' }),
      ...(addressable(key) ? [() => ctx.server.setItem(key, 'v')] : []),
    ],
  };
}

conformance('SM-KEY-001', 'keys of every class the key pattern allows are accepted and round-trip; others are 400 and change nothing', async (ctx) => {
  const allowed = KEY_CLASSES.filter(([, key]) => keyAllowed(ctx, key));
  await seed(ctx, { base: '0' });
  const expected: Record<string, string> = { base: '0' };
  for (const [name, key] of allowed) {
    const value = `value of ${name}`;
    const merged = await ctx.step(`POST key ${JSON.stringify(key)} (${name})`, () => ctx.server.merge({ [key]: value }));
    expected[key] = value;
    expectSameMap(expectCollection(merged, ctx.profile.success.write), expected, `merge response after adding ${JSON.stringify(key)}`);
  }
  expectSameMap(await currentMetadata(ctx), expected, 'metadata after adding a key of every allowed class');
  for (const [, key] of allowed.filter(([, k]) => addressable(k))) {
    expect(expectItem(await ctx.server.show(key), ctx.profile.success.read), `GET item ${JSON.stringify(key)}`).toEqual([key, expected[key]]);
  }
  await ctx.step('PUT collection with every allowed key', () => ctx.server.replaceAll(expected));
  expectSameMap(await currentMetadata(ctx), expected, 'metadata after PUT collection with every allowed key');
  await expectRefusedCases(ctx, 400, expected, KEY_CLASSES.filter(([, k]) => !keyAllowed(ctx, k)).map(([, key]) => keyRefused(ctx, key)));
}, { requires: ['merge', 'list', 'show', 'setItem', 'replaceAll'] });

conformance('SM-KEY-002', 'an empty key is 400 and changes nothing', async (ctx) => {
  const before = { a: '1' };
  await seed(ctx, before);
  await expectAllRefused(ctx, 400, before, [() => ctx.server.merge({ '': 'v' }), () => ctx.server.replaceAll({ valid: 'v', '': 'v' })]);
}, { requires: ['merge', 'list', 'replaceAll'] });

conformance('SM-KEY-003', 'a key of the maximum length is accepted, one character longer is 400', async (ctx) => {
  const max = ctx.profile.keys.maxLength;
  const longest = 'k'.repeat(max);
  const tooLong = 'k'.repeat(max + 1);
  await seed(ctx, { a: '1' });
  await ctx.step(`POST a key of ${max} characters`, async () => {
    expectSameMap(expectCollection(await ctx.server.merge({ [longest]: 'post' }), ctx.profile.success.write), { a: '1', [longest]: 'post' }, 'merge response');
  });
  await ctx.step(`PUT item with a key of ${max} characters`, async () => {
    expect(expectItem(await ctx.server.setItem(longest, 'put'), ctx.profile.success.write)).toEqual([longest, 'put']);
  });
  const before = { a: '1', [longest]: 'put' };
  expectSameMap(await currentMetadata(ctx), before, `metadata holds the ${max}-character key`);
  await ctx.step(`a key of ${max + 1} characters is refused`, async () => {
    await expectAllRefused(ctx, 400, before, [
      () => ctx.server.merge({ [tooLong]: 'v' }),
      () => ctx.server.replaceAll({ a: '1', [tooLong]: 'v' }),
      () => ctx.server.setItem(tooLong, 'v'),
    ]);
  });
}, { requires: ['merge', 'list', 'setItem', 'replaceAll'] });

conformance('SM-KEY-004', 'keys with spaces are distinct and stored untrimmed where the pattern allows spaces, else 400', async (ctx) => {
  const before = { a: '1' };
  await seed(ctx, before);
  const allowed = SPACE_KEYS.filter((k) => keyAllowed(ctx, k));
  const refused = SPACE_KEYS.filter((k) => !keyAllowed(ctx, k));
  if (refused.length) await expectRefusedCases(ctx, 400, before, refused.map((key) => keyRefused(ctx, key)));
  if (allowed.length === 0) return;
  const expected: Record<string, string> = { ...before, ...Object.fromEntries(allowed.map((k) => [k, `[${k}]`])) };
  await ctx.step('POST every key with spaces', async () => {
    expectSameMap(expectCollection(await ctx.server.merge(Object.fromEntries(allowed.map((k) => [k, `[${k}]`]))), ctx.profile.success.write), expected, 'merge response');
  });
  expectSameMap(await currentMetadata(ctx), expected, 'every key with spaces is stored as sent, each one distinct');
  for (const key of allowed) {
    expect(expectItem(await ctx.server.show(key), ctx.profile.success.read), `GET item ${JSON.stringify(key)}`).toEqual([key, `[${key}]`]);
  }
  await ctx.step('PUT item "a " replaces only "a "', async () => {
    if (!allowed.includes('a ')) return;
    expect(expectItem(await ctx.server.setItem('a ', 'trailing'), ctx.profile.success.write)).toEqual(['a ', 'trailing']);
    expectSameMap(await currentMetadata(ctx), { ...expected, 'a ': 'trailing' }, 'metadata after PUT item "a "');
  });
}, { requires: ['merge', 'list', 'show', 'setItem', 'replaceAll'] });

conformance('SM-KEY-005', 'keys with non-ASCII characters are 400 and change nothing', async (ctx) => {
  const before = { a: '1' };
  await seed(ctx, before);
  await expectRefusedCases(ctx, 400, before, NON_ASCII_KEYS.filter((key) => !keyAllowed(ctx, key)).map((key) => keyRefused(ctx, key)));
}, { requires: ['merge', 'list', 'setItem', 'replaceAll'] });

conformance('SM-KEY-006', 'a key with one trailing newline is either stored exactly or refused with 400', async (ctx) => {
  const before = { a: '1' };
  await seed(ctx, before);
  const ex = await ctx.server.merge({ 'a\n': 'newline' });
  if (ctx.profile.success.write.includes(ex.response.status)) {
    expectSameMap(await currentMetadata(ctx), { ...before, 'a\n': 'newline' }, 'the key "a\\n" is stored as sent, distinct from "a"');
  } else {
    await expectRefused(ctx, ex, 400, before);
  }
}, { requires: ['merge', 'list', 'replaceAll'] });

conformance('SM-KEY-007', 'keys differing only in case are distinct for set and get', async (ctx) => {
  await seed(ctx, { a: 'lower' });
  expectFault(await ctx.server.show('A'), 404);
  expect(expectItem(await ctx.server.setItem('A', 'upper'), ctx.profile.success.write)).toEqual(['A', 'upper']);
  expectSameMap(await currentMetadata(ctx), { a: 'lower', A: 'upper' }, 'metadata after PUT item "A" next to "a"');
  expect(expectItem(await ctx.server.show('a'), ctx.profile.success.read), 'GET item "a"').toEqual(['a', 'lower']);
  expect(expectItem(await ctx.server.show('A'), ctx.profile.success.read), 'GET item "A"').toEqual(['A', 'upper']);
  await ctx.step('POST "AbC" and "abc" together', () => ctx.server.merge({ AbC: 'camel', abc: 'flat' }));
  expectSameMap(await currentMetadata(ctx), { a: 'lower', A: 'upper', AbC: 'camel', abc: 'flat' }, 'metadata after POST of two case variants');
}, { requires: ['merge', 'list', 'show', 'setItem', 'replaceAll'] });

conformance('SM-KEY-008', 'GET and DELETE of an absent key outside the key rules are 404, not 400', async (ctx) => {
  await seed(ctx, { a: '1' });
  const keys = ['a@b', 'a$b', 'ключ', 'a\tb', 'k'.repeat(ctx.profile.keys.maxLength + 1)];
  for (const key of keys) {
    await ctx.step(`GET and DELETE item ${JSON.stringify(key.length > 20 ? `${key.slice(0, 8)}…(${key.length})` : key)}`, async () => {
      if (ctx.profile.operations.show) expectFault(await ctx.server.show(key), 404);
      if (ctx.profile.operations.deleteItem) expectFault(await ctx.server.deleteItem(key), 404);
    });
  }
}, { requires: ['replaceAll'] });

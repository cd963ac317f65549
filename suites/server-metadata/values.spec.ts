import { expect } from 'vitest';
import { conformance } from '../../lib/harness/conformance.ts';
import { expectCollection, expectItem, expectSameMap } from '../../lib/harness/expect.ts';
import { currentMetadata, expectAllRefused, expectRefused, expectRefusedCases, seed } from '../../lib/harness/fixtures.ts';

const NON_STRINGS: readonly (readonly [string, unknown])[] = [
  ['integer', 1],
  ['float', 1.5],
  ['true', true],
  ['false', false],
  ['null', null],
  ['object', { x: 'y' }],
  ['array', ['x']],
];

/** A two-byte UTF-8 character in the Basic Multilingual Plane, and a four-byte one (two UTF-16 units). */
const BMP = 'é';
const ASTRAL = '😀';

conformance('SM-VAL-001', 'non-string values (number, float, boolean, null, object, array) are 400 and change nothing', async (ctx) => {
  const before = { a: '1' };
  await seed(ctx, before);
  await expectRefusedCases(
    ctx,
    400,
    before,
    NON_STRINGS.map(([name, value]) => ({
      step: `a ${name} value is refused`,
      writes: [
        () => ctx.server.raw('POST', undefined, { json: { metadata: { k: value } } }),
        () => ctx.server.raw('PUT', undefined, { json: { metadata: { a: '1', k: value } } }),
        () => ctx.server.raw('PUT', 'k', { json: { meta: { k: value } } }),
        () => ctx.server.raw('PUT', 'a', { json: { meta: { a: value } } }),
      ],
    })),
  );
}, { requires: ['merge', 'list', 'setItem', 'replaceAll'] });

conformance('SM-VAL-002', 'value length is counted in code points: the maximum is accepted, one more is 400; "" follows the minimum', async (ctx) => {
  const max = ctx.profile.values.maxLength;
  for (const [name, unit] of [['ASCII', 'v'], ['two-byte UTF-8', BMP], ['four-byte UTF-8', ASTRAL]] as const) {
    await seed(ctx, { a: '1' });
    await ctx.step(`${max} × ${name} ${JSON.stringify(unit)} is accepted (POST, PUT item)`, async () => {
      expectCollection(await ctx.server.merge({ k: unit.repeat(max) }), ctx.profile.success.write);
      expectItem(await ctx.server.setItem('i', unit.repeat(max)), ctx.profile.success.write);
    });
    const before = await currentMetadata(ctx);
    expect(Object.keys(before).sort(), `keys stored after writing ${max} × ${name}`).toEqual(['a', 'i', 'k']);
    await ctx.step(`${max + 1} × ${name} ${JSON.stringify(unit)} is refused (POST, PUT, PUT item)`, async () => {
      await expectAllRefused(ctx, 400, before, [
        () => ctx.server.merge({ k: unit.repeat(max + 1) }),
        () => ctx.server.replaceAll({ a: '1', k: unit.repeat(max + 1) }),
        () => ctx.server.setItem('i', unit.repeat(max + 1)),
      ]);
    });
  }
  const before = { a: '1' };
  await seed(ctx, before);
  await ctx.step(`an empty value (profile minimum ${ctx.profile.values.minLength})`, async () => {
    if (ctx.profile.values.minLength === 0) {
      expectSameMap(expectCollection(await ctx.server.merge({ empty: '' }), ctx.profile.success.write), { a: '1', empty: '' }, 'merge response');
      expect(expectItem(await ctx.server.setItem('a', ''), ctx.profile.success.write)).toEqual(['a', '']);
      expectSameMap(await currentMetadata(ctx), { a: '', empty: '' }, 'metadata after storing empty values');
    } else {
      await expectRefused(ctx, await ctx.server.merge({ empty: '' }), 400, before);
      await expectRefused(ctx, await ctx.server.setItem('a', ''), 400, before);
      const shortest = 'v'.repeat(ctx.profile.values.minLength);
      expect(expectItem(await ctx.server.setItem('a', shortest), ctx.profile.success.write)).toEqual(['a', shortest]);
    }
  });
}, { requires: ['merge', 'list', 'setItem', 'replaceAll'] });

conformance('SM-VAL-003', 'values with four-byte UTF-8 characters round-trip exactly', async (ctx) => {
  const max = ctx.profile.values.maxLength;
  const values = { emoji: ASTRAL.repeat(max), mixed: `a${ASTRAL}b𝄞c` };
  await seed(ctx, values);
  expectSameMap(await currentMetadata(ctx), values, 'listed values');
  for (const [key, value] of Object.entries(values)) {
    expect(expectItem(await ctx.server.show(key), ctx.profile.success.read), `GET item ${key}`).toEqual([key, value]);
  }
}, { requires: ['list', 'show', 'replaceAll'] });

conformance('SM-VAL-004', 'stored values round-trip exactly: no trimming, case folding or normalisation', async (ctx) => {
  const values: Record<string, string> = {
    padded: '  padded  ',
    mixed: 'MiXeD CaSe',
    composed: 'caf\u00e9',
    decomposed: 'cafe\u0301',
    whitespace: 'tab\there\nnewline',
    quotes: 'q"uote \\ back/slash',
    markup: '<b>&amp;</b>',
    numeric: '007',
    literal: 'null',
    long: BMP.repeat(ctx.profile.values.maxLength),
  };
  await ctx.step('PUT collection with every value', async () => {
    expectSameMap(expectCollection(await ctx.server.replaceAll(values), ctx.profile.success.write), values, 'replace response');
  });
  expectSameMap(await currentMetadata(ctx), values, 'listed values after PUT collection');
  await ctx.step('POST and PUT item store values as sent', async () => {
    expectCollection(await ctx.server.merge({ merged: ' Merged\u00a0Value ' }), ctx.profile.success.write);
    expect(expectItem(await ctx.server.setItem('item', '\tItem Value\t'), ctx.profile.success.write)).toEqual(['item', '\tItem Value\t']);
  });
  const all = { ...values, merged: ' Merged\u00a0Value ', item: '\tItem Value\t' };
  expectSameMap(await currentMetadata(ctx), all, 'listed values after POST and PUT item');
  for (const [key, value] of Object.entries(all)) {
    expect(expectItem(await ctx.server.show(key), ctx.profile.success.read), `GET item ${key}`).toEqual([key, value]);
  }
}, { requires: ['merge', 'list', 'show', 'setItem', 'replaceAll'] });

import { expect } from 'vitest';
import type { Metadata } from '../../lib/protocol.ts';
import { conformance, type ConformanceContext } from '../../lib/harness/conformance.ts';
import { expectState, seed } from '../../lib/harness/fixtures.ts';
import { expectRefusedCases } from '../../lib/harness/refusals.ts';
import { acceptedThrough, expectAccepted, writersOrNotApplicable, type Writer } from '../../lib/harness/writers.ts';
import { itemValue } from '../../lib/harness/lenient.ts';

const NON_STRINGS: readonly (readonly [string, unknown])[] = [
  ['integer', 1],
  ['float', 1.5],
  ['true', true],
  ['false', false],
  ['null', null],
  ['object', { x: 'y' }],
  ['array', ['x']],
];

/**
 * Characters of the Basic Multilingual Plane of one, two and three UTF-8 bytes: the required length rule is
 * judged with these. Four-byte characters (two UTF-16 units) are SM-VAL-003's: whether a deployment stores
 * them is implementation-defined (MySQL/MariaDB utf8 columns hold none, and Nova then answers 500).
 */
const BMP_UNITS: readonly (readonly [string, string])[] = [
  ['ASCII', 'v'],
  ['two-byte UTF-8', 'é'],
  ['three-byte UTF-8', '€'],
];
const ASTRAL = '😀';

/**
 * Writes `key: value` through every served writer (a step each, each under its own key), each accepted; returns
 * the new expected set. A writer that refuses even a plain write is left out (its own behaviours judge it).
 */
async function acceptedThroughEach(ctx: ConformanceContext, writers: readonly Writer[], what: string, value: string, expected: Metadata): Promise<Metadata> {
  const next = { ...expected };
  for (const w of writers) {
    const key = `${w.op.toLowerCase()}-value`;
    const outcome = await ctx.step(`${w.label}: ${what} is accepted`, () => acceptedThrough(ctx, w, key, value, next, `${w.label} with ${what}`));
    if (outcome === 'accepted') next[key] = value;
  }
  return next;
}

conformance('SM-VAL-001', { title: 'non-string values (number, float, boolean, null, object, array) are 400 and change nothing' }, async (ctx) => {
  const ws = writersOrNotApplicable(ctx);
  const before = { a: '1' };
  await seed(ctx, before);
  await expectRefusedCases(
    ctx,
    400,
    before,
    NON_STRINGS.map(([name, value]) => ({
      step: `a ${name} value is refused (${ws.map((w) => w.label).join(', ')})`,
      // a new key, and (where an item URL is used) an existing one: neither is coerced nor stored
      writes: ws.flatMap((w) => [() => w.send('k', value, before), ...(w.op === 'setItem' ? [() => w.send('a', value, before)] : [])]),
    })),
  );
});

conformance('SM-VAL-002', { title: 'value length is counted in code points: the maximum is accepted, one more is 400; "" follows the minimum' }, async (ctx) => {
  const ws = writersOrNotApplicable(ctx);
  const max = ctx.profile.values.maxLength;
  for (const [name, unit] of BMP_UNITS) {
    await seed(ctx, { a: '1' });
    const expected = await acceptedThroughEach(ctx, ws, `${max} × ${name} ${JSON.stringify(unit)}`, unit.repeat(max), { a: '1' });
    await expectState(ctx, expected, `values of ${max} × ${name} are stored`);
    await expectRefusedCases(ctx, 400, expected, [{ step: `${max + 1} × ${name} ${JSON.stringify(unit)} is refused (${ws.map((w) => w.label).join(', ')})`, writes: ws.map((w) => () => w.send('k', unit.repeat(max + 1), expected)) }]);
  }
  const before = { a: '1' };
  await seed(ctx, before);
  const min = ctx.profile.values.minLength;
  if (min === 0) {
    await expectState(ctx, await acceptedThroughEach(ctx, ws, 'an empty value', '', before), 'empty values are stored');
  } else {
    await expectRefusedCases(ctx, 400, before, [{ step: `an empty value is refused (minimum ${min})`, writes: ws.map((w) => () => w.send('k', '', before)) }]);
    await expectState(ctx, await acceptedThroughEach(ctx, ws, `a value of ${min} characters`, 'v'.repeat(min), before), `values of the minimum length ${min} are stored`);
  }
});

conformance('SM-VAL-003', { title: 'values with four-byte UTF-8 characters: the maximum round-trips, one more is refused (observed)' }, async (ctx) => {
  const ws = writersOrNotApplicable(ctx);
  const max = ctx.profile.values.maxLength;
  await seed(ctx, { a: '1' });
  const expected = await acceptedThroughEach(ctx, ws, `${max} × "${ASTRAL}"`, ASTRAL.repeat(max), { a: '1' });
  await expectState(ctx, expected, `values of ${max} four-byte characters round-trip`);
  await expectRefusedCases(ctx, 400, expected, [{ step: `${max + 1} × "${ASTRAL}" is refused`, writes: ws.map((w) => () => w.send('k', ASTRAL.repeat(max + 1), expected)) }]);
});

conformance('SM-VAL-004', { title: 'stored values round-trip exactly: no trimming, case folding or normalisation' }, async (ctx) => {
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
    long: 'é'.repeat(100),
  };
  const ws = writersOrNotApplicable(ctx);
  await seed(ctx, {});
  let expected: Metadata = {};
  for (const w of ws) {
    // every value through every served write, each under a key of its own
    const next = { ...expected, ...Object.fromEntries(Object.entries(values).map(([k, v]) => [`${w.op.toLowerCase()}-${k}`, v])) };
    await ctx.step(`${w.label} stores every value as sent`, async () => {
      if (w.op === 'replaceAll') expectAccepted(ctx, await ctx.server.raw('PUT', undefined, { json: { metadata: next } }), w.label);
      else if (w.op === 'merge') expectAccepted(ctx, await ctx.server.raw('POST', undefined, { json: { metadata: next } }), w.label);
      else for (const [k, v] of Object.entries(next).filter(([key]) => !Object.hasOwn(expected, key))) expectAccepted(ctx, await w.send(k, v, expected), `${w.label} ${k}`);
    });
    expected = next;
  }
  await expectState(ctx, expected, 'listed values after every write');
  if (ctx.serves('show')) {
    for (const [key, value] of Object.entries(expected).filter(([k]) => k.endsWith('-decomposed') || k.endsWith('-padded') || k.endsWith('-whitespace'))) {
      const ex = await ctx.server.show(key);
      expect(itemValue(ex, key), `GET item ${key} answers the value as stored — ${ex.response.status}`).toBe(value);
    }
  }
});

import { expect } from 'vitest';
import type { Metadata } from '../../lib/protocol.ts';
import { conformance, type ConformanceContext } from '../../lib/harness/conformance.ts';
import { expectState, seed } from '../../lib/harness/fixtures.ts';
import { answerOf, expectError, expectRefused, expectRefusedCases, type RefusedCase } from '../../lib/harness/refusals.ts';
import { acceptedThrough, succeeded, writersOrNotApplicable, type Writer } from '../../lib/harness/writers.ts';
import { itemValue } from '../../lib/harness/lenient.ts';
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

/** Every served write that can carry the key must refuse it (a step per key). */
function keyRefused(writers: readonly Writer[], key: string, before: Metadata): RefusedCase {
  return {
    step: `key ${JSON.stringify(key)} is refused (${writers.filter((w) => w.carries(key)).map((w) => w.label).join(', ')})`,
    writes: writers.filter((w) => w.carries(key)).map((w) => () => w.send(key, 'v', before)),
  };
}

/**
 * Writes each key through one writer (a step per key), each accepted, then observes the stored set once:
 * returns the expected set after the writer's keys. A writer that refuses even a plain write is left out.
 */
async function storeThrough(ctx: ConformanceContext, w: Writer, keys: readonly (readonly [string, string])[], expected: Metadata): Promise<Metadata> {
  const next = { ...expected };
  for (const [key, value] of keys.filter(([k]) => w.carries(k))) {
    const outcome = await ctx.step(`${w.label}: key ${JSON.stringify(key)}`, () => acceptedThrough(ctx, w, key, value, next, `${w.label} with key ${JSON.stringify(key)}`));
    if (outcome === 'broken') return expected;
    next[key] = value;
  }
  await expectState(ctx, next, `metadata after ${w.label} of every key: each stored exactly`);
  return next;
}

conformance('SM-KEY-001', { title: 'keys of every class the key pattern allows are accepted and stored exactly; others are 400 and change nothing' }, async (ctx) => {
  const ws = writersOrNotApplicable(ctx);
  let expected: Metadata = { base: '0' };
  await seed(ctx, expected);
  for (const w of ws) {
    const keys = KEY_CLASSES.filter(([, key]) => keyAllowed(ctx, key)).map(([name, key]) => [key, `${w.op}: ${name}`] as const);
    expected = await storeThrough(ctx, w, keys, expected);
  }
  await expectRefusedCases(ctx, 400, expected, KEY_CLASSES.filter(([, k]) => !keyAllowed(ctx, k)).map(([, key]) => keyRefused(ws, key, expected)));
});

conformance('SM-KEY-002', { title: 'an empty key is 400 and changes nothing' }, async (ctx) => {
  const ws = writersOrNotApplicable(ctx).filter((w) => w.carries(''));
  if (!ws.length) ctx.notApplicable('no served write carries an empty key (an item URL cannot address it)');
  const before = { a: '1' };
  await seed(ctx, before);
  await expectRefusedCases(ctx, 400, before, [keyRefused(ws, '', before)]);
});

conformance('SM-KEY-003', { title: 'a key of the maximum length is accepted, one character longer is 400' }, async (ctx) => {
  const ws = writersOrNotApplicable(ctx);
  const max = ctx.profile.keys.maxLength;
  let expected: Metadata = { a: '1' };
  await seed(ctx, expected);
  for (const w of ws) expected = await storeThrough(ctx, w, [['k'.repeat(max), `${max} characters through ${w.op}`]], expected);
  await expectRefusedCases(ctx, 400, expected, [keyRefused(ws, 'k'.repeat(max + 1), expected)]);
});

conformance('SM-KEY-004', { title: 'keys with spaces are distinct and stored untrimmed where the pattern allows spaces, else 400' }, async (ctx) => {
  const ws = writersOrNotApplicable(ctx);
  let expected: Metadata = { a: '1' };
  await seed(ctx, expected);
  const allowed = SPACE_KEYS.filter((k) => keyAllowed(ctx, k));
  const refused = SPACE_KEYS.filter((k) => !keyAllowed(ctx, k));
  if (refused.length) await expectRefusedCases(ctx, 400, expected, refused.map((key) => keyRefused(ws, key, expected)));
  // each writer stores every key with spaces as sent, each one distinct (and distinct from "a")
  for (const w of ws) expected = await storeThrough(ctx, w, allowed.map((k) => [k, `[${k}] ${w.op}`] as const), expected);
});

conformance('SM-KEY-005', { title: 'keys with non-ASCII characters are 400 and change nothing' }, async (ctx) => {
  const ws = writersOrNotApplicable(ctx);
  const before = { a: '1' };
  await seed(ctx, before);
  await expectRefusedCases(ctx, 400, before, NON_ASCII_KEYS.filter((key) => !keyAllowed(ctx, key)).map((key) => keyRefused(ws, key, before)));
});

conformance('SM-KEY-006', { title: 'a key with one trailing newline is either stored exactly or refused with 400' }, async (ctx) => {
  const [w] = writersOrNotApplicable(ctx);
  const before = { a: '1' };
  await seed(ctx, before);
  const ex = await answerOf(() => w!.send('a\n', 'newline', before));
  if (succeeded(ex)) {
    await expectState(ctx, { ...before, 'a\n': 'newline' }, 'the key "a\\n" is stored as sent, distinct from "a"');
  } else {
    await expectRefused(ctx, ex, 400, before);
  }
});

conformance('SM-KEY-007', { title: 'keys differing only in case are distinct for set and get' }, async (ctx) => {
  const ws = writersOrNotApplicable(ctx);
  let expected: Metadata = { a: 'lower' };
  await seed(ctx, expected);
  if (ctx.serves('show')) await ctx.step('GET item "A" next to "a" is 404', async () => void expectError(ctx, await ctx.server.show('A'), 404));
  for (const w of ws) expected = await storeThrough(ctx, w, [['A', `upper through ${w.op}`], ['AbC', `camel through ${w.op}`], ['abc', `flat through ${w.op}`]], expected);
  if (ctx.serves('show')) {
    for (const key of ['a', 'A', 'AbC', 'abc']) {
      const ex = await ctx.server.show(key);
      expect(itemValue(ex, key), `GET item ${JSON.stringify(key)} answers its own value — ${ex.response.status}`).toBe(expected[key]);
    }
  }
});

conformance('SM-KEY-008', { title: 'GET and DELETE of an absent key outside the key rules are 404, not 400' }, async (ctx) => {
  const reads = ctx.serves('show');
  const deletes = ctx.serves('deleteItem');
  if (!reads && !deletes) ctx.notApplicable('the target serves neither GET nor DELETE on item URLs');
  await seed(ctx, { a: '1' });
  const keys = ['a@b', 'a$b', 'ключ', 'a\tb', 'k'.repeat(ctx.profile.keys.maxLength + 1)];
  for (const key of keys) {
    await ctx.step(`GET and DELETE item ${JSON.stringify(key.length > 20 ? `${key.slice(0, 8)}…(${key.length})` : key)}`, async () => {
      if (reads) expectError(ctx, await answerOf(() => ctx.server.show(key)), 404);
      if (deletes) expectError(ctx, await answerOf(() => ctx.server.deleteItem(key)), 404);
    });
  }
});

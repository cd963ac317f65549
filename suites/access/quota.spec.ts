import { expect } from 'vitest';
import { conformance, type ConformanceContext } from '../../lib/harness/conformance.ts';
import { serverMetadataLimit } from '../../lib/harness/discovery.ts';
import { expectState, manyItems, readState, seed } from '../../lib/harness/fixtures.ts';
import { answerOf, expectError } from '../../lib/harness/refusals.ts';
import { acceptedThrough, expectAccepted, writersOrNotApplicable, type Writer } from '../../lib/harness/writers.ts';
import { describeExchange, type Exchange } from '../../lib/http/exchange.ts';

/** Largest limit filled in one request: keeps the body well under Nova's 112 KiB request limit. */
const MAX_FILLABLE = 4000;

/** The target's metadata item limit, or not applicable when it announces none or one too large to fill. */
async function limitOf(ctx: ConformanceContext): Promise<number> {
  const limit = await serverMetadataLimit(ctx);
  if (limit === undefined) ctx.notApplicable('the target announces no metadata item limit (GET /limits: limits.absolute.maxServerMeta absent or -1)');
  if (limit < 1) ctx.notApplicable(`the metadata item limit is ${limit}: no write can be accepted`);
  if (limit > MAX_FILLABLE) ctx.notApplicable(`the metadata item limit ${limit} is too large to fill in one request`);
  return limit;
}

/** The over-quota answer of the profile: its status and fault name. */
function expectQuotaRejection(ctx: ConformanceContext, ex: Exchange): void {
  const { name } = expectError(ctx, ex, ctx.profile.quota.status);
  expect(name, 'quota fault name of the profile').toBe(ctx.profile.quota.fault);
}

/**
 * Runs a quota check and then empties the server again (best effort, never a verdict), so a target that
 * mishandles a full server does not leave the following tests without a starting state.
 */
function thenEmpty(check: (ctx: ConformanceContext) => Promise<void>): (ctx: ConformanceContext) => Promise<void> {
  return async (ctx) => {
    try {
      await check(ctx);
    } finally {
      await ctx.step('teardown: empty the server', () => seed(ctx, {})).catch(() => undefined);
    }
  };
}

/**
 * A write beyond the limit: when the target rejects it (any 4xx: which status is SM-QUOTA-001's rule), the
 * stored set must be unchanged; a write it accepts leaves nothing to judge here.
 */
async function ifRejected(ctx: ConformanceContext, what: string, send: () => Promise<Exchange>, before: Record<string, string>): Promise<void> {
  await ctx.step(`${what}: rejected, the set is unchanged`, async () => {
    const ex = await answerOf(send);
    if (ex.response.status < 400 || ex.response.status >= 500) {
      await ctx.step(`not rejected (${describeExchange(ex)}): nothing to judge here (SM-QUOTA-001)`, async () => {});
      await seed(ctx, before);
      return;
    }
    await expectState(ctx, before, `after the rejected ${what}`);
  });
}

/** A write of one new key through a writer onto the stored set. */
const oneMore = (w: Writer, current: Record<string, string>) => w.send('one-more', 'v', current);

conformance('SM-QUOTA-001', { title: 'exactly the metadata item limit is accepted, one more is rejected with the quota fault (PUT, POST, PUT item)' }, thenEmpty(async (ctx) => {
  const ws = writersOrNotApplicable(ctx);
  const limit = await limitOf(ctx);
  const full = manyItems(limit);
  // the limit-th item is written by each served write in turn, from limit - 1 items
  for (const w of ws) {
    await seed(ctx, manyItems(limit - 1));
    const outcome = await ctx.step(`${w.label} reaching exactly ${limit} items is accepted`, () => acceptedThrough(ctx, w, `q${limit - 1}`, 'v', manyItems(limit - 1), `${w.label} of the ${limit}-th item`));
    if (outcome === 'accepted') expect(Object.keys(await readState(ctx)).length, `items stored after ${w.label}`).toBe(limit);
  }
  await seed(ctx, full);
  for (const w of ws) {
    await ctx.step(`${w.label} of item ${limit + 1} is rejected`, async () => expectQuotaRejection(ctx, await answerOf(() => oneMore(w, full))));
  }
}));

conformance('SM-QUOTA-002', { title: 'a write rejected for quota changes nothing' }, thenEmpty(async (ctx) => {
  const ws = writersOrNotApplicable(ctx);
  const limit = await limitOf(ctx);
  const full = manyItems(limit, 'kept');
  await seed(ctx, full);
  for (const w of ws) {
    await ifRejected(ctx, `${w.label} beyond the limit`, () => w.send('one-more', 'v', { ...full, kept0: 'changed' }), full);
  }
  if (ws.some((w) => w.op === 'replaceAll')) await ifRejected(ctx, 'PUT of limit+1 other items', () => ctx.server.replaceAll(manyItems(limit + 1, 'new')), full);
}));

conformance('SM-QUOTA-003', { title: 'an empty resulting set is never quota-checked: PUT {} on a server at the limit succeeds', requires: ['replaceAll'] }, thenEmpty(async (ctx) => {
  const limit = await limitOf(ctx);
  await seed(ctx, manyItems(limit));
  // that PUT {} empties the set is SM-REPLACE-003's rule; this one is that no quota refuses it
  expectAccepted(ctx, await ctx.server.replaceAll({}), 'PUT {} at the limit');
}));

conformance('SM-REPLACE-004', { title: 'PUT counts the quota on the new set only: N stored keys replaced by N other keys at the limit', requires: ['replaceAll'] }, thenEmpty(async (ctx) => {
  const limit = await limitOf(ctx);
  await seed(ctx, manyItems(limit, 'old'));
  const next = manyItems(limit, 'new');
  expectAccepted(ctx, await ctx.server.replaceAll(next), `PUT of ${limit} other keys`);
  await expectState(ctx, next, 'after replacing the full set');
}));

conformance('SM-SET-005', { title: 'PUT item counts the quota on the merged set: the limit-th key is accepted, the next rejected, an overwrite at the limit accepted', requires: ['setItem'] }, thenEmpty(async (ctx) => {
  const limit = await limitOf(ctx);
  await seed(ctx, manyItems(limit - 1));
  await ctx.step('a new key reaching the limit is accepted', async () => expectAccepted(ctx, await ctx.server.setItem('last', 'v'), 'PUT item of the limit-th key'));
  // that a rejected write changes nothing is SM-QUOTA-002's rule; the fault name is SM-QUOTA-001's
  await ctx.step('a new key beyond the limit is rejected', async () => void expectError(ctx, await answerOf(() => ctx.server.setItem('beyond', 'v')), ctx.profile.quota.status));
  // from the full set again (what a rejected write left is SM-QUOTA-002's rule)
  await seed(ctx, { ...manyItems(limit - 1), last: 'v' });
  await ctx.step('overwriting an existing key at the limit is accepted', async () => expectAccepted(ctx, await ctx.server.setItem('last', 'changed'), 'PUT item overwriting at the limit'));
}));


import { expect } from 'vitest';
import { conformance, type ConformanceContext } from '../../lib/harness/conformance.ts';
import { serverMetadataLimit } from '../../lib/harness/discovery.ts';
import { expectCollection, expectFault, expectItem, expectSameMap, expectStatus } from '../../lib/harness/expect.ts';
import { manyItems, seed } from '../../lib/harness/fixtures.ts';
import { json, type Exchange } from '../../lib/http/exchange.ts';

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
  const { name } = expectFault(ex, ctx.profile.quota.status);
  expect(name, 'quota fault name of the profile').toBe(ctx.profile.quota.fault);
}

async function expectStored(ctx: ConformanceContext, expected: Record<string, string>, what: string): Promise<void> {
  expectSameMap(expectCollection(await ctx.server.list(), ctx.profile.success.read), expected, what);
}

const QUOTA_OPS = { requires: ['list', 'replaceAll', 'merge', 'setItem'] } as const;

/**
 * Runs a quota check and then empties the server again (best effort, never a verdict), so a target that
 * mishandles a full server does not leave the following tests without a starting state.
 */
function thenEmpty(check: (ctx: ConformanceContext) => Promise<void>): (ctx: ConformanceContext) => Promise<void> {
  return async (ctx) => {
    try {
      await check(ctx);
    } finally {
      await ctx.step('teardown: empty the server', () => empty(ctx)).catch(() => undefined);
    }
  };
}

async function empty(ctx: ConformanceContext): Promise<void> {
  if (ctx.profile.success.write.includes((await ctx.server.replaceAll({})).response.status)) return;
  if (!ctx.profile.operations.deleteItem) return;
  const list = await ctx.server.list();
  const stored = (json(list) as { metadata?: Record<string, string> } | undefined)?.metadata ?? {};
  for (const key of Object.keys(stored)) await ctx.server.deleteItem(key);
}

conformance('SM-QUOTA-001', 'exactly the metadata item limit is accepted, one more is rejected with the quota fault (PUT, POST, PUT item)', thenEmpty(async (ctx) => {
  const limit = await limitOf(ctx);
  await seed(ctx, {});
  await ctx.step(`PUT ${limit} items is accepted`, async () => {
    expectCollection(await ctx.server.replaceAll(manyItems(limit)), ctx.profile.success.write);
    expect(Object.keys(expectCollection(await ctx.server.list(), ctx.profile.success.read)).length, 'items stored').toBe(limit);
  });
  await ctx.step(`PUT ${limit + 1} items is rejected`, async () => expectQuotaRejection(ctx, await ctx.server.replaceAll(manyItems(limit + 1))));
  await ctx.step(`POST one new key onto ${limit} items is rejected`, async () => expectQuotaRejection(ctx, await ctx.server.merge({ 'one-more': 'v' })));
  await ctx.step(`PUT item of a new key onto ${limit} items is rejected`, async () => expectQuotaRejection(ctx, await ctx.server.setItem('one-more', 'v')));
}), QUOTA_OPS);

conformance('SM-QUOTA-002', 'a write rejected for quota changes nothing', thenEmpty(async (ctx) => {
  const limit = await limitOf(ctx);
  const full = manyItems(limit, 'kept');
  await seed(ctx, full);
  await ctx.step('PUT of limit+1 other items is rejected and the set is unchanged', async () => {
    expectStatus(await ctx.server.replaceAll(manyItems(limit + 1, 'new')), [ctx.profile.quota.status]);
    await expectStored(ctx, full, 'after a rejected PUT');
  });
  await ctx.step('POST of a new key at the limit is rejected and the set is unchanged', async () => {
    expectStatus(await ctx.server.merge({ 'one-more': 'v', kept0: 'changed' }), [ctx.profile.quota.status]);
    await expectStored(ctx, full, 'after a rejected POST');
  });
  await ctx.step('PUT item of a new key at the limit is rejected and the set is unchanged', async () => {
    expectStatus(await ctx.server.setItem('one-more', 'v'), [ctx.profile.quota.status]);
    await expectStored(ctx, full, 'after a rejected PUT item');
  });
}), QUOTA_OPS);

conformance('SM-QUOTA-003', 'an empty resulting set is never quota-checked: PUT {} on a server at the limit succeeds', thenEmpty(async (ctx) => {
  const limit = await limitOf(ctx);
  await seed(ctx, manyItems(limit));
  expectSameMap(expectCollection(await ctx.server.replaceAll({}), ctx.profile.success.write), {}, 'PUT {} response');
  await expectStored(ctx, {}, 'after PUT {} at the limit');
}), { requires: ['list', 'replaceAll'] });

conformance('SM-REPLACE-004', 'PUT counts the quota on the new set only: N stored keys replaced by N other keys at the limit', thenEmpty(async (ctx) => {
  const limit = await limitOf(ctx);
  await seed(ctx, {}); // from empty, so that the full set below is accepted whatever the server held before
  await seed(ctx, manyItems(limit, 'old'));
  const next = manyItems(limit, 'new');
  expectSameMap(expectCollection(await ctx.server.replaceAll(next), ctx.profile.success.write), next, 'PUT response');
  await expectStored(ctx, next, 'after replacing the full set');
}), { requires: ['list', 'replaceAll'] });

conformance('SM-SET-005', 'PUT item counts the quota on the merged set: the limit-th key is accepted, the next rejected, an overwrite at the limit accepted', thenEmpty(async (ctx) => {
  const limit = await limitOf(ctx);
  await seed(ctx, manyItems(limit - 1));
  await ctx.step('a new key reaching the limit is accepted', async () => {
    expect(expectItem(await ctx.server.setItem('last', 'v'), ctx.profile.success.write)).toEqual(['last', 'v']);
  });
  await ctx.step('a new key beyond the limit is rejected', async () => expectQuotaRejection(ctx, await ctx.server.setItem('beyond', 'v')));
  await ctx.step('overwriting an existing key at the limit is accepted', async () => {
    expect(expectItem(await ctx.server.setItem('last', 'changed'), ctx.profile.success.write)).toEqual(['last', 'changed']);
  });
  await expectStored(ctx, { ...manyItems(limit - 1), last: 'changed' }, 'after the PUT items');
}), { requires: ['list', 'replaceAll', 'setItem'] });

import { expect } from 'vitest';
import { conformance } from '../../lib/harness/conformance.ts';
import { expectCollection, expectFault, expectItem, expectSameMap, expectStatus, header } from '../../lib/harness/expect.ts';
import { seed } from '../../lib/harness/fixtures.ts';
import { describeExchange, json, type Exchange } from '../../lib/http/exchange.ts';

/** A token no identity service issued. */
const INVALID_TOKEN = 'metaconform-invalid-token-0000';

/** 401; a JSON error body (keystonemiddleware {"error": …} or the Nova envelope) must carry code 401. */
function expectUnauthorized(ex: Exchange): void {
  expectStatus(ex, [401]);
  const body = json(ex);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return;
  const members = Object.values(body as Record<string, unknown>);
  const fault = members.length === 1 ? (members[0] as { code?: unknown } | null) : undefined;
  if (fault && typeof fault === 'object' && 'code' in fault) {
    expect(fault.code, `code in the 401 body — ${describeExchange(ex)}`).toBe(401);
  }
}

conformance('SM-AUTH-001', 'a request without a token or with an invalid token is 401', async (ctx) => {
  const anonymous = await ctx.server.list({ anonymous: true });
  if (anonymous.response.status !== 401 && header(anonymous, 'x-server-management-url') !== undefined) {
    ctx.notApplicable('authentication not enforced by the target (a token-less request got a noauth answer with X-Server-Management-Url)');
  }
  await ctx.step('no token: list', async () => expectUnauthorized(anonymous));
  await ctx.step('no token: POST', async () => expectUnauthorized(await ctx.server.merge({ k: 'v' }, { anonymous: true })));
  await ctx.step('invalid token: list', async () => expectUnauthorized(await ctx.server.list({ headers: { 'X-Auth-Token': INVALID_TOKEN } })));
  await ctx.step('invalid token: DELETE item', async () => expectUnauthorized(await ctx.server.deleteItem('k', { headers: { 'X-Auth-Token': INVALID_TOKEN } })));
}, { requires: ['list'] });

conformance('SM-AUTH-002', 'readers may read, members may write; a denied operation is 403 forbidden', async (ctx) => {
  const reader = ctx.target.readerToken;
  if (!reader) return ctx.notApplicable('needs a second, reader-only credential, which cannot be configured yet');
  const stored = { k: 'v' };
  await seed(ctx, stored);
  const opts = { headers: { 'X-Auth-Token': reader } };
  const ops = ctx.profile.operations;
  await ctx.step('the reader reads', async () => {
    expectSameMap(expectCollection(await ctx.server.list(opts), ctx.profile.success.read), stored, 'list as reader');
    if (ops.show) expectItem(await ctx.server.show('k', opts), ctx.profile.success.read);
  });
  await ctx.step('the reader may not write', async () => {
    const writes = [
      ops.replaceAll && (await ctx.server.replaceAll({ x: 'y' }, opts)),
      ops.merge && (await ctx.server.merge({ x: 'y' }, opts)),
      ops.setItem && (await ctx.server.setItem('k', 'changed', opts)),
      ops.deleteItem && (await ctx.server.deleteItem('k', opts)),
    ];
    for (const ex of writes) if (ex) expectFault(ex, 403);
  });
  expectSameMap(expectCollection(await ctx.server.list(), ctx.profile.success.read), stored, 'metadata after the refused writes');
}, { requires: ['list', 'replaceAll'] });

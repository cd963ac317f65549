import { expect } from 'vitest';
import { conformance } from '../../lib/harness/conformance.ts';
import { expectStatus, header, SUCCESS } from '../../lib/harness/expect.ts';
import { expectState, seed } from '../../lib/harness/fixtures.ts';
import { answerOf, expectError } from '../../lib/harness/refusals.ts';
import { collectionMap } from '../../lib/harness/lenient.ts';
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

conformance('SM-AUTH-001', { title: 'a request without a token or with an invalid token is 401' }, async (ctx) => {
  const read = ctx.serves('list') ? (opts: object) => ctx.server.list(opts) : (opts: object) => ctx.server.show('k', opts);
  const anonymous = await answerOf(() => read({ anonymous: true }));
  if (anonymous.response.status !== 401 && header(anonymous, 'x-server-management-url') !== undefined) {
    ctx.notApplicable('authentication not enforced by the target (a token-less request got a noauth answer with X-Server-Management-Url)');
  }
  await ctx.step('no token: a read', async () => expectUnauthorized(anonymous));
  await ctx.step('no token: POST', async () => expectUnauthorized(await answerOf(() => ctx.server.merge({ k: 'v' }, { anonymous: true }))));
  await ctx.step('invalid token: a read', async () => expectUnauthorized(await answerOf(() => read({ headers: { 'X-Auth-Token': INVALID_TOKEN } }))));
  await ctx.step('invalid token: DELETE item', async () => expectUnauthorized(await answerOf(() => ctx.server.deleteItem('k', { headers: { 'X-Auth-Token': INVALID_TOKEN } }))));
});

conformance('SM-AUTH-002', { title: 'readers may read, members may write; a denied operation is 403 forbidden' }, async (ctx) => {
  const reader = ctx.target.readerToken;
  if (!reader) return ctx.notApplicable('needs a second, reader-only credential (METACONFORM_READER_CLOUD or the reader variables): not configured');
  const stored = { k: 'v' };
  await seed(ctx, stored);
  const opts = { headers: { 'X-Auth-Token': reader } };
  await ctx.step('the reader reads', async () => {
    if (ctx.serves('list')) {
      const ex = await ctx.server.list(opts);
      expectStatus(ex, SUCCESS);
      expect(collectionMap(ex), 'list as reader').toEqual(stored);
    }
    if (ctx.serves('show')) expectStatus(await ctx.server.show('k', opts), SUCCESS);
  });
  await ctx.step('the reader may not write', async () => {
    const writes: [boolean, () => Promise<Exchange>][] = [
      [ctx.serves('replaceAll'), () => ctx.server.replaceAll({ x: 'y' }, opts)],
      [ctx.serves('merge'), () => ctx.server.merge({ x: 'y' }, opts)],
      [ctx.serves('setItem'), () => ctx.server.setItem('k', 'changed', opts)],
      [ctx.serves('deleteItem'), () => ctx.server.deleteItem('k', opts)],
    ];
    for (const [served, send] of writes) if (served) expectError(ctx, await answerOf(send), 403);
  });
  await expectState(ctx, stored, 'metadata after the refused writes');
});

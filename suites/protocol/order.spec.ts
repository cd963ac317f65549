import { expect } from 'vitest';
import { conformance } from '../../lib/harness/conformance.ts';
import { otherProjectId, seed, unknownId } from '../../lib/harness/fixtures.ts';
import { answerOf, expectError } from '../../lib/harness/refusals.ts';
import { faultOf } from '../../lib/harness/lenient.ts';
import { describeExchange } from '../../lib/http/exchange.ts';

conformance('SM-ORDER-001', { title: 'the first failing check decides, in Nova\'s order (JSON, project, schema, server, URI/body key)' }, async (ctx) => {
  if (!ctx.serves('merge') && !ctx.serves('setItem')) ctx.notApplicable('the target serves neither POST {S} nor PUT {S}/{key}');
  await seed(ctx, { k: 'v' });
  const nowhere = ctx.serverById(unknownId());
  const elsewhere = ctx.server.with({ base: ctx.server.base.replace(/\/[^/]+$/, `/${otherProjectId(ctx.target.projectId)}`) });
  // a body no implementation can take for a metadata map
  const invalidBody = { metadata: 'not a map' };
  if (ctx.serves('merge')) {
    await ctx.step('invalid body + unknown server → 400 (schema before lookup)', async () => {
      expectError(ctx, await answerOf(() => nowhere.raw('POST', undefined, { json: invalidBody })), 400);
    });
    // which check decided shows in the message; the status of each check is its own behaviour's rule
    await ctx.step('project mismatch + invalid body → "Malformed request URL" (project before schema)', async () => {
      const ex = await answerOf(() => elsewhere.raw('POST', undefined, { json: invalidBody }));
      expect(ex.response.status, describeExchange(ex)).toBeGreaterThanOrEqual(400);
      expect(faultOf(ex).message, `the deciding check — ${describeExchange(ex)}`).toContain('Malformed request URL');
    });
    await ctx.step('invalid JSON + project mismatch → "Malformed request body" (JSON syntax first)', async () => {
      const ex = await answerOf(() => elsewhere.raw('POST', undefined, { body: '{"metadata": ', headers: { 'Content-Type': 'application/json' } }));
      expect(ex.response.status, describeExchange(ex)).toBeGreaterThanOrEqual(400);
      expect(faultOf(ex).message, `the deciding check — ${describeExchange(ex)}`).toContain('Malformed request body');
    });
  }
  if (ctx.serves('setItem')) {
    await ctx.step('unknown server + URI/body key mismatch → 404 (lookup before the mismatch)', async () => {
      expectError(ctx, await answerOf(() => nowhere.raw('PUT', 'k', { json: { meta: { other: 'v' } } })), 404);
    });
  }
});

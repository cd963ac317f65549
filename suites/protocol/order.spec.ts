import { expect } from 'vitest';
import { conformance } from '../../lib/harness/conformance.ts';
import { expectFault } from '../../lib/harness/expect.ts';
import { otherProjectId, seed, unknownId } from '../../lib/harness/fixtures.ts';

conformance('SM-ORDER-001', 'the first failing check decides, in Nova\'s order (JSON, project, schema, server, URI/body key)', async (ctx) => {
  await seed(ctx, { k: 'v' });
  const nowhere = ctx.serverById(unknownId());
  const elsewhere = ctx.server.with({ base: ctx.server.base.replace(/\/[^/]+$/, `/${otherProjectId(ctx.target.projectId)}`) });
  const ops = ctx.profile.operations;
  const invalidBody = { metadata: { k: 1 } };
  if (ops.merge) {
    await ctx.step('invalid body + unknown server → 400 (schema before lookup)', async () => {
      expectFault(await nowhere.raw('POST', undefined, { json: invalidBody }), 400);
    });
    await ctx.step('project mismatch + invalid body → 400 "Malformed request URL" (project before schema)', async () => {
      expect(expectFault(await elsewhere.raw('POST', undefined, { json: invalidBody }), 400).message).toContain('Malformed request URL');
    });
    await ctx.step('invalid JSON + project mismatch → 400 "Malformed request body" (JSON syntax first)', async () => {
      const ex = await elsewhere.raw('POST', undefined, { body: '{"metadata": ', headers: { 'Content-Type': 'application/json' } });
      expect(expectFault(ex, 400).message).toContain('Malformed request body');
    });
  }
  if (ops.setItem) {
    await ctx.step('unknown server + URI/body key mismatch → 404 (lookup before the mismatch)', async () => {
      expectFault(await nowhere.raw('PUT', 'k', { json: { meta: { other: 'v' } } }), 404);
    });
  }
}, { requires: ['replaceAll'] });

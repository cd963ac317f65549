import { expect } from 'vitest';
import { conformance } from '../../lib/harness/conformance.ts';
import { otherProjectId, seed, unknownId } from '../../lib/harness/fixtures.ts';
import { answerOf, expectError } from '../../lib/harness/refusals.ts';
import type { Exchange } from '../../lib/http/exchange.ts';

conformance('SM-URL-004', { title: 'every operation on an unknown server is 404 itemNotFound', uses: [] }, async (ctx) => {
  const nowhere = ctx.serverById(unknownId());
  const calls: [string, boolean, () => Promise<Exchange>][] = [
    ['GET list', ctx.serves('list'), () => nowhere.list()],
    ['GET item', ctx.serves('show'), () => nowhere.show('k')],
    ['PUT all', ctx.serves('replaceAll'), () => nowhere.replaceAll({ k: 'v' })],
    ['POST merge', ctx.serves('merge'), () => nowhere.merge({ k: 'v' })],
    ['PUT item', ctx.serves('setItem'), () => nowhere.setItem('k', 'v')],
    ['DELETE item', ctx.serves('deleteItem'), () => nowhere.deleteItem('k')],
  ];
  for (const [what, served, send] of calls.filter(([, served]) => served)) {
    await ctx.step(`${what} on an unknown server`, async () => void expectError(ctx, await answerOf(send), 404));
  }
});

conformance('SM-URL-002', { title: 'a URL project_id other than the token\'s is 400 "Malformed request URL"' }, async (ctx) => {
  await seed(ctx, { k: 'v' });
  const base = ctx.server.base.replace(/\/[^/]+$/, `/${otherProjectId(ctx.target.projectId)}`);
  const elsewhere = ctx.server.with({ base });
  const calls: [string, boolean, () => Promise<Exchange>][] = [
    ['GET list', ctx.serves('list'), () => elsewhere.list()],
    ['GET item', ctx.serves('show'), () => elsewhere.show('k')],
    ['PUT all', ctx.serves('replaceAll'), () => elsewhere.replaceAll({ k: 'v' })],
    ['POST merge', ctx.serves('merge'), () => elsewhere.merge({ k: 'v' })],
    ['PUT item', ctx.serves('setItem'), () => elsewhere.setItem('k', 'v')],
    ['DELETE item', ctx.serves('deleteItem'), () => elsewhere.deleteItem('k')],
  ];
  for (const [what, , send] of calls.filter(([, served]) => served)) {
    await ctx.step(`${what} with another project in the URL`, async () => {
      const { message } = expectError(ctx, await answerOf(send), 400);
      expect(message, 'fault message').toContain('Malformed request URL');
    });
  }
});

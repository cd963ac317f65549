import { expect } from 'vitest';
import { conformance } from '../../lib/harness/conformance.ts';
import { seed, unknownId } from '../../lib/harness/fixtures.ts';
import { answerOf, expectError } from '../../lib/harness/refusals.ts';
import { faultOf } from '../../lib/harness/lenient.ts';
import type { Exchange } from '../../lib/http/exchange.ts';

/** Ids that name no server of the project: a fresh UUID and a string that is not a UUID. */
const unknownServers = () => [unknownId(), 'not-a-server-uuid'];

conformance('SM-LIST-005', { title: 'GET on the metadata of an unknown server is 404 itemNotFound', requires: ['list'], uses: [] }, async (ctx) => {
  for (const id of unknownServers()) expectError(ctx, await ctx.serverById(id).list(), 404);
});

conformance('SM-SHOW-003', { title: 'GET item on an unknown server is 404 about the server, not the absent-key error', requires: ['show'] }, async (ctx) => {
  await seed(ctx, { k: 'v' });
  const absentKey = await ctx.arrange('the absent-key error of the real server', async () => ctx.server.show('absent-key'));
  const absentKeyMessage = faultOf(absentKey).message;
  for (const id of unknownServers()) {
    const { message } = expectError(ctx, await ctx.serverById(id).show('k'), 404);
    if (absentKey.response.status === 404 && absentKeyMessage !== undefined) {
      expect(message, 'the unknown server is reported, not a missing key (the server is looked up first)').not.toBe(absentKeyMessage);
    }
  }
});

conformance('SM-AUTH-003', { title: 'another project\'s server is invisible: 404, never 403', uses: ['fixtures'] }, async (ctx) => {
  const id = ctx.target.otherProjectServerId;
  if (!id) return ctx.notApplicable('needs a server of another project (METACONFORM_OTHER_PROJECT_SERVER_ID is not set)');
  const elsewhere = ctx.serverById(id);
  // the writes repeat nothing the other project could lose: they must never reach it
  const calls: [boolean, () => Promise<Exchange>][] = [
    [ctx.serves('list'), () => elsewhere.list()],
    [ctx.serves('show'), () => elsewhere.show('fixture')],
    [ctx.serves('merge'), () => elsewhere.merge({})],
    [ctx.serves('setItem'), () => elsewhere.setItem('metaconform-probe', 'v')],
    [ctx.serves('deleteItem'), () => elsewhere.deleteItem('metaconform-probe')],
  ];
  for (const [served, send] of calls) if (served) expectError(ctx, await answerOf(send), 404);
});

conformance('SM-AUTH-004', { title: 'the server lookup precedes the policy check (404 before 403)', uses: [] }, async (ctx) => {
  const reader = ctx.target.readerToken;
  if (!reader) return ctx.notApplicable('needs a second, reader-only credential (denied writes by policy): not configured');
  const opts = { headers: { 'X-Auth-Token': reader } };
  const nowhere = ctx.serverById(unknownId());
  const calls: [boolean, () => Promise<Exchange>][] = [
    [ctx.serves('replaceAll'), () => nowhere.replaceAll({ k: 'v' }, opts)],
    [ctx.serves('merge'), () => nowhere.merge({ k: 'v' }, opts)],
    [ctx.serves('setItem'), () => nowhere.setItem('k', 'v', opts)],
    [ctx.serves('deleteItem'), () => nowhere.deleteItem('k', opts)],
  ];
  for (const [served, send] of calls) if (served) expectError(ctx, await answerOf(send), 404);
});

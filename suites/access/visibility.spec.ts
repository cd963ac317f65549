import { expect } from 'vitest';
import { conformance } from '../../lib/harness/conformance.ts';
import { expectFault } from '../../lib/harness/expect.ts';
import { seed, unknownId } from '../../lib/harness/fixtures.ts';
import { json } from '../../lib/http/exchange.ts';

/** Ids that name no server of the project: a fresh UUID and a string that is not a UUID. */
const unknownServers = () => [unknownId(), 'not-a-server-uuid'];

conformance('SM-LIST-005', 'GET on the metadata of an unknown server is 404 itemNotFound', async (ctx) => {
  for (const id of unknownServers()) expectFault(await ctx.serverById(id).list(), 404);
}, { requires: ['list'], uses: [] });

conformance('SM-SHOW-003', 'GET item on an unknown server is 404 about the server, not the absent-key error', async (ctx) => {
  await seed(ctx, { k: 'v' });
  const absentKey = await ctx.arrange('the absent-key error of the real server', async () => ctx.server.show('absent-key'));
  const absentKeyMessage = (Object.values((json(absentKey) ?? {}) as Record<string, { message?: string }>)[0])?.message;
  for (const id of unknownServers()) {
    const { message } = expectFault(await ctx.serverById(id).show('k'), 404);
    if (absentKey.response.status === 404 && absentKeyMessage !== undefined) {
      expect(message, 'the unknown server is reported, not a missing key (the server is looked up first)').not.toBe(absentKeyMessage);
    }
  }
}, { requires: ['show', 'replaceAll'] });

conformance('SM-AUTH-003', 'another project\'s server is invisible: 404, never 403', async (ctx) => {
  const id = ctx.target.otherProjectServerId;
  if (!id) return ctx.notApplicable('needs a server of another project (METACONFORM_OTHER_PROJECT_SERVER_ID is not set)');
  const elsewhere = ctx.serverById(id);
  const ops = ctx.profile.operations;
  // the writes repeat nothing the other project could lose: they must never reach it
  if (ops.list) expectFault(await elsewhere.list(), 404);
  if (ops.show) expectFault(await elsewhere.show('fixture'), 404);
  if (ops.merge) expectFault(await elsewhere.merge({}), 404);
  if (ops.setItem) expectFault(await elsewhere.setItem('metaconform-probe', 'v'), 404);
  if (ops.deleteItem) expectFault(await elsewhere.deleteItem('metaconform-probe'), 404);
}, { uses: ['fixtures'] });

conformance('SM-AUTH-004', 'the server lookup precedes the policy check (404 before 403)', async (ctx) => {
  const reader = ctx.target.readerToken;
  if (!reader) return ctx.notApplicable('needs a second, reader-only credential (denied writes by policy), which cannot be configured yet');
  const opts = { headers: { 'X-Auth-Token': reader } };
  const nowhere = ctx.serverById(unknownId());
  const ops = ctx.profile.operations;
  if (ops.replaceAll) expectFault(await nowhere.replaceAll({ k: 'v' }, opts), 404);
  if (ops.merge) expectFault(await nowhere.merge({ k: 'v' }, opts), 404);
  if (ops.setItem) expectFault(await nowhere.setItem('k', 'v', opts), 404);
  if (ops.deleteItem) expectFault(await nowhere.deleteItem('k', opts), 404);
}, { uses: [] });

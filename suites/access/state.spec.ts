import { conformance } from '../../lib/harness/conformance.ts';
import { expectStatus, SUCCESS } from '../../lib/harness/expect.ts';
import { readState } from '../../lib/harness/fixtures.ts';
import { answerOf, expectError } from '../../lib/harness/refusals.ts';

conformance('SM-STATE-001', { title: 'every write on a server in a vm_state that forbids writes is 409 conflictingRequest; reads succeed', uses: ['fixtures'] }, async (ctx) => {
  const id = ctx.target.errorServerId;
  if (!id) return ctx.notApplicable('no server in a vm_state that forbids writes is configured (METACONFORM_ERROR_SERVER_ID)');
  const client = ctx.serverById(id);
  const stored = await ctx.step('read the server (reads succeed)', async () => {
    if (ctx.serves('list', client)) expectStatus(await client.list(), SUCCESS);
    return readState(ctx, client);
  });
  const [key, value] = Object.entries(stored)[0] ?? [];
  if (key !== undefined && ctx.serves('show', client)) await ctx.step('show one key', async () => expectStatus(await client.show(key), SUCCESS));
  // every write repeats what is stored, so a non-conformant target that accepts it changes nothing
  if (ctx.serves('replaceAll', client)) await ctx.step('PUT all', async () => void expectError(ctx, await answerOf(() => client.replaceAll(stored)), 409));
  if (ctx.serves('merge', client)) await ctx.step('POST merge', async () => void expectError(ctx, await answerOf(() => client.merge(stored)), 409));
  if (key !== undefined && value !== undefined) {
    if (ctx.serves('setItem', client)) await ctx.step('PUT item', async () => void expectError(ctx, await answerOf(() => client.setItem(key, value)), 409));
    if (ctx.serves('deleteItem', client)) {
      await ctx.step('DELETE item', async () => {
        const ex = await answerOf(() => client.deleteItem(key));
        if (SUCCESS.includes(ex.response.status)) await client.setItem(key, value); // put the deleted key back
        expectError(ctx, ex, 409);
      });
    }
  }
});

conformance('SM-STATE-002', { title: 'writes on a server that never launched are 409 conflictingRequest', uses: ['fixtures'] }, async (ctx) => {
  const id = ctx.target.unlaunchedServerId;
  if (!id) return ctx.notApplicable('no never-launched server (launched_at unset) is available: METACONFORM_UNLAUNCHED_SERVER_ID is not set');
  const client = ctx.serverById(id);
  const stored = await readState(ctx, client);
  // every write repeats what is stored, so a non-conformant target that accepts it changes nothing
  if (ctx.serves('replaceAll', client)) await ctx.step('PUT all', async () => void expectError(ctx, await answerOf(() => client.replaceAll(stored)), 409));
  if (ctx.serves('merge', client)) await ctx.step('POST merge', async () => void expectError(ctx, await answerOf(() => client.merge(stored)), 409));
  const [key, value] = Object.entries(stored)[0] ?? [];
  if (key !== undefined && value !== undefined && ctx.serves('setItem', client)) await ctx.step('PUT item', async () => void expectError(ctx, await answerOf(() => client.setItem(key, value)), 409));
});

import { conformance } from '../../lib/harness/conformance.ts';
import { expectCollection, expectFault, expectItem } from '../../lib/harness/expect.ts';

conformance('SM-STATE-001', 'every write on a server in a vm_state that forbids writes is 409 conflictingRequest; reads succeed', async (ctx) => {
  const id = ctx.target.errorServerId;
  if (!id) return ctx.notApplicable('no server in a vm_state that forbids writes is configured (METACONFORM_ERROR_SERVER_ID)');
  const client = ctx.serverById(id);
  const ops = ctx.profile.operations;
  const stored = await ctx.step('read the server (reads succeed)', async () => expectCollection(await client.list(), ctx.profile.success.read));
  const [key, value] = Object.entries(stored)[0] ?? [];
  if (key !== undefined && ops.show) await ctx.step('show one key', async () => expectItem(await client.show(key), ctx.profile.success.read));
  // every write repeats what is stored, so a non-conformant target that accepts it changes nothing
  if (ops.replaceAll) await ctx.step('PUT all', async () => expectFault(await client.replaceAll(stored), 409));
  if (ops.merge) await ctx.step('POST merge', async () => expectFault(await client.merge(stored), 409));
  if (key !== undefined && value !== undefined) {
    if (ops.setItem) await ctx.step('PUT item', async () => expectFault(await client.setItem(key, value), 409));
    if (ops.deleteItem) {
      await ctx.step('DELETE item', async () => {
        const ex = await client.deleteItem(key);
        if (ctx.profile.success.delete.includes(ex.response.status)) await client.setItem(key, value); // put the deleted key back
        expectFault(ex, 409);
      });
    }
  }
}, { requires: ['list'], uses: ['fixtures'] });

conformance('SM-STATE-002', 'writes on a server that never launched are 409 conflictingRequest', async (ctx) => {
  const id = ctx.target.unlaunchedServerId;
  if (!id) return ctx.notApplicable('no never-launched server (launched_at unset) is available: METACONFORM_UNLAUNCHED_SERVER_ID is not set');
  const client = ctx.serverById(id);
  const stored = expectCollection(await client.list(), ctx.profile.success.read);
  const ops = ctx.profile.operations;
  // every write repeats what is stored, so a non-conformant target that accepts it changes nothing
  if (ops.replaceAll) await ctx.step('PUT all', async () => expectFault(await client.replaceAll(stored), 409));
  if (ops.merge) await ctx.step('POST merge', async () => expectFault(await client.merge(stored), 409));
  const [key, value] = Object.entries(stored)[0] ?? [];
  if (key !== undefined && value !== undefined && ops.setItem) await ctx.step('PUT item', async () => expectFault(await client.setItem(key, value), 409));
}, { requires: ['list'], uses: ['fixtures'] });

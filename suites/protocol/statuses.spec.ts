import { conformance } from '../../lib/harness/conformance.ts';
import { expectStatus, successStatuses } from '../../lib/harness/expect.ts';
import { seed } from '../../lib/harness/fixtures.ts';
import type { Operation } from '../../lib/harness/served.ts';
import type { Exchange } from '../../lib/http/exchange.ts';

conformance('SM-STATUS-001', { title: 'reads, writes and deletes answer the profile\'s success statuses; DELETE has an empty body' }, async (ctx) => {
  await seed(ctx, { k: 'v', d: 'x' });
  const calls: [string, Operation, () => Promise<Exchange>][] = [
    ['GET collection', 'list', () => ctx.server.list()],
    ['GET item', 'show', () => ctx.server.show('k')],
    ['PUT collection', 'replaceAll', () => ctx.server.replaceAll({ k: 'v', d: 'x' })],
    ['POST collection', 'merge', () => ctx.server.merge({ k: 'v', d: 'x', m: 'v' })],
    ['PUT item', 'setItem', () => ctx.server.setItem('s', 'v')],
  ];
  const served = calls.filter(([, op]) => ctx.serves(op));
  if (!served.length && !ctx.serves('deleteItem')) ctx.notApplicable('the target serves no metadata operation');
  for (const [what, op, send] of served) await ctx.step(what, async () => expectStatus(await send(), successStatuses(ctx.profile, op)));
  if (ctx.serves('deleteItem')) await ctx.step('DELETE item', () => ctx.ok.deleteItem('d'));
});

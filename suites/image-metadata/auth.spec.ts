import { conformance } from '../../lib/harness/conformance.ts';
import { seed } from '../../lib/harness/fixtures.ts';
import { answerOf } from '../../lib/harness/refusals.ts';
import { imageClient } from '../../lib/harness/image.ts';
import { describeExchange } from '../../lib/http/exchange.ts';

/**
 * Informational: no Nova policy guards the image-metadata proxy, Glance decides (its 401/403 surface as 403).
 * With a reader credential, what the target does with a reader's image reads and writes is recorded.
 */
conformance('IM-AUTH-001', { title: 'a reader on the image-metadata proxy: what the target answers (observed)', uses: ['image'] }, async (ctx) => {
  const image = imageClient(ctx);
  const reader = ctx.target.readerToken;
  if (!reader) return ctx.notApplicable('needs a reader-only credential (METACONFORM_READER_CLOUD or METACONFORM_READER_TOKEN)');
  const opts = { headers: { 'X-Auth-Token': reader } };
  await seed(ctx, { a: '1' }, image);
  const answers: string[] = [];
  if (ctx.serves('list', image)) answers.push(`read: ${describeExchange(await answerOf(() => image.list(opts)))}`);
  if (ctx.serves('setItem', image)) answers.push(`write: ${describeExchange(await answerOf(() => image.setItem('a', 'reader', opts)))}`);
  await ctx.step(`observed: ${answers.join('; ')}`, async () => {});
});

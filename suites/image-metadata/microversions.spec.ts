import type { MetadataClient } from '../../lib/clients/metadata-client.ts';
import { conformance, type ConformanceContext } from '../../lib/harness/conformance.ts';
import { expectCollection, expectFault, expectSameMap, expectStatus } from '../../lib/harness/expect.ts';
import { callImage, documentedImageOperations, IMAGE_SEED, imageClient, seedImage, type ImageOperation } from '../../lib/harness/image.ts';
import { atLeast, computeVersion, maxMicroversion, type Microversion } from '../../lib/harness/microversions.ts';
import type { Exchange } from '../../lib/http/exchange.ts';

/** Last microversion with the proxy, and the first without it (nova/api/openstack/api_version_request.py). */
const LAST_WITH_PROXY: Microversion = [2, 38];
const FIRST_WITHOUT_PROXY: Microversion = [2, 39];

function successStatuses(ctx: ConformanceContext, op: ImageOperation): readonly number[] {
  if (op === 'list' || op === 'show') return ctx.profile.success.read;
  return op === 'deleteItem' ? ctx.profile.success.delete : ctx.profile.success.write;
}

/** Every documented operation, in turn, on an image seeded with IMAGE_SEED, sent with a compute microversion. */
async function eachOperation(ctx: ConformanceContext, image: MetadataClient, version: string, check: (op: ImageOperation, send: () => Promise<Exchange>) => Promise<void>): Promise<void> {
  for (const op of documentedImageOperations(ctx)) {
    await ctx.step(`${op} with compute ${version}`, () => check(op, () => callImage(image, op, { headers: computeVersion(version) })));
  }
}

conformance('IM-VER-001', 'on /v2.1 image operations are served at 2.38 and 404 from 2.39 (and latest); /v2 ignores the header', async (ctx) => {
  const image = imageClient(ctx, ['replaceAll', 'list']);
  await seedImage(ctx, IMAGE_SEED, image);
  if (ctx.api === 'v2') {
    // the legacy base has no microversions: the proxy stays whatever the header says
    await eachOperation(ctx, image, FIRST_WITHOUT_PROXY.join('.'), async (op, send) => expectStatus(await send(), successStatuses(ctx, op)));
    return;
  }
  const max = await maxMicroversion(ctx);
  if (!max || !atLeast(max, LAST_WITH_PROXY)) {
    return ctx.notApplicable(`the target's maximum microversion ${max ? max.join('.') : '(none stated)'} is below ${LAST_WITH_PROXY.join('.')}`);
  }
  await eachOperation(ctx, image, LAST_WITH_PROXY.join('.'), async (op, send) => expectStatus(await send(), successStatuses(ctx, op)));
  if (!atLeast(max, FIRST_WITHOUT_PROXY)) {
    await ctx.step(`removal not checked: the target's maximum microversion ${max.join('.')} is below ${FIRST_WITHOUT_PROXY.join('.')}`, async () => {});
    return;
  }
  for (const version of [FIRST_WITHOUT_PROXY.join('.'), 'latest']) {
    await eachOperation(ctx, image, version, async (_op, send) => void expectFault(await send(), 404));
  }
  expectSameMap(expectCollection(await image.list(), ctx.profile.success.read), IMAGE_SEED, 'image properties after the refused calls');
}, { uses: ['image'] });

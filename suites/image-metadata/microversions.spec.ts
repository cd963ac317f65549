import type { MetadataClient } from '../../lib/clients/metadata-client.ts';
import { conformance, type ConformanceContext, type Operation } from '../../lib/harness/conformance.ts';
import { expectStatus, SUCCESS } from '../../lib/harness/expect.ts';
import { expectState } from '../../lib/harness/fixtures.ts';
import { answerOf, expectError } from '../../lib/harness/refusals.ts';
import { writers } from '../../lib/harness/writers.ts';
import { callImage, IMAGE_SEED, imageClient, seedImage, servedImageOperations } from '../../lib/harness/image.ts';
import { atLeast, computeVersion, maxMicroversion, type Microversion } from '../../lib/harness/microversions.ts';
import type { Exchange } from '../../lib/http/exchange.ts';

/** Last microversion with the proxy, and the first without it (nova/api/openstack/api_version_request.py). */
const LAST_WITH_PROXY: Microversion = [2, 38];
const FIRST_WITHOUT_PROXY: Microversion = [2, 39];

/** Every served operation, in turn, on an image seeded with IMAGE_SEED, sent with a compute microversion. */
async function eachOperation(ctx: ConformanceContext, image: MetadataClient, version: string, check: (op: Operation, send: () => Promise<Exchange>) => Promise<void>): Promise<void> {
  for (const op of servedImageOperations(ctx, image)) {
    await ctx.step(`${op} with compute ${version}`, () => check(op, () => answerOf(() => callImage(image, op, { headers: computeVersion(version) }))));
  }
}

conformance('IM-VER-001', { title: 'on /v2.1 image operations are served at 2.38 and 404 from 2.39 (and latest); /v2 ignores the header', uses: ['image'] }, async (ctx) => {
  const image = imageClient(ctx);
  if (!servedImageOperations(ctx, image).length) ctx.notApplicable('the target serves no image operation the profile documents');
  // reads alone need no starting state; writes start from IMAGE_SEED
  const writes = writers(ctx, image).length > 0;
  if (writes) await seedImage(ctx, IMAGE_SEED, image);
  const served = async (op: Operation, send: () => Promise<Exchange>) => expectStatus(await send(), SUCCESS);
  if (ctx.api === 'v2') {
    // the legacy base has no microversions: the proxy stays whatever the header says
    await eachOperation(ctx, image, FIRST_WITHOUT_PROXY.join('.'), served);
    return;
  }
  const max = await maxMicroversion(ctx);
  if (!max || !atLeast(max, LAST_WITH_PROXY)) {
    return ctx.notApplicable(`the target's maximum microversion ${max ? max.join('.') : '(none stated)'} is below ${LAST_WITH_PROXY.join('.')}`);
  }
  await eachOperation(ctx, image, LAST_WITH_PROXY.join('.'), served);
  if (!atLeast(max, FIRST_WITHOUT_PROXY)) {
    await ctx.step(`removal not checked: the target's maximum microversion ${max.join('.')} is below ${FIRST_WITHOUT_PROXY.join('.')}`, async () => {});
    return;
  }
  if (writes) await seedImage(ctx, IMAGE_SEED, image);
  for (const version of [FIRST_WITHOUT_PROXY.join('.'), 'latest']) {
    await eachOperation(ctx, image, version, async (_op, send) => void expectError(ctx, await send(), 404));
  }
  if (writes) await expectState(ctx, IMAGE_SEED, 'image properties after the refused calls', image);
});

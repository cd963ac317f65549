import { conformance } from '../../lib/harness/conformance.ts';
import { expectRefusedCases } from '../../lib/harness/refusals.ts';
import { writers } from '../../lib/harness/writers.ts';
import { imageClient, seedImage } from '../../lib/harness/image.ts';
import { keyRegExp } from '../../profiles/index.ts';

/** Representative invalid requests (the full key/value matrix is checked on server metadata), through every served image write. */
conformance('IM-VAL-001', { title: 'a bad key, a too-long value or a non-string value answers 400 and changes nothing', uses: ['image'] }, async (ctx) => {
  const image = imageClient(ctx);
  const ws = writers(ctx, image);
  if (!ws.length) ctx.notApplicable('the target serves no image write the profile documents');
  const { keys, values } = ctx.profile;
  const cases: [string, string, unknown][] = [
    [`a key of ${keys.maxLength + 1} characters`, 'k'.repeat(keys.maxLength + 1), 'v'],
    ...(keyRegExp(ctx.profile).test('a@b') ? [] : [['the key "a@b"', 'a@b', 'v'] as [string, string, unknown]]),
    [`a value of ${values.maxLength + 1} characters`, 'k', 'v'.repeat(values.maxLength + 1)],
    ['an integer value', 'k', 1],
    ['a null value', 'k', null],
  ];
  const seeded = { a: '1', b: '2' };
  await seedImage(ctx, seeded, image);
  await expectRefusedCases(
    ctx,
    400,
    seeded,
    cases.map(([what, key, value]) => ({ step: `${what} is refused (${ws.filter((w) => w.carries(key)).map((w) => w.label).join(', ')})`, writes: ws.filter((w) => w.carries(key)).map((w) => () => w.send(key, value, seeded)) })),
    image,
  );
});

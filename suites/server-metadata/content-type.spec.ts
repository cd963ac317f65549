import { conformance, type ConformanceContext } from '../../lib/harness/conformance.ts';
import { expectState, seed } from '../../lib/harness/fixtures.ts';
import { expectError, expectRefusedCases } from '../../lib/harness/refusals.ts';
import { expectAccepted, writersOrNotApplicable } from '../../lib/harness/writers.ts';

const XML = { 'Content-Type': 'application/xml' };

conformance('SM-BODY-001', { title: 'application/xml is 415 badMediaType on every method; JSON as text/plain, with charset or untyped is processed' }, async (ctx) => {
  const ws = writersOrNotApplicable(ctx);
  const before = { a: '1' };
  await seed(ctx, before);
  const json = (value: unknown) => JSON.stringify(value);
  await expectRefusedCases(ctx, 415, before, [
    {
      step: 'writes with Content-Type: application/xml',
      writes: [
        ...ws.map((w) => () => (w.op === 'setItem' ? ctx.server.raw('PUT', 'b', { body: json({ meta: { b: '2' } }), headers: XML }) : ctx.server.raw(w.op === 'merge' ? 'POST' : 'PUT', undefined, { body: json({ metadata: { ...before, b: '2' } }), headers: XML }))),
        ...(ctx.serves('deleteItem') ? [() => ctx.server.raw('DELETE', 'a', { headers: XML })] : []),
      ],
    },
  ]);
  if (ctx.serves('list')) await ctx.step('GET collection with Content-Type: application/xml', async () => void expectError(ctx, await ctx.server.raw('GET', undefined, { headers: XML }), 415));
  if (ctx.serves('show')) await ctx.step('GET item with Content-Type: application/xml', async () => void expectError(ctx, await ctx.server.raw('GET', 'a', { headers: XML }), 415));
  await acceptedTypes(ctx);
});

/** A JSON body with Content-Type text/plain, with a charset parameter or without Content-Type is processed normally, through each served write. */
async function acceptedTypes(ctx: ConformanceContext): Promise<void> {
  const expected: Record<string, string> = { a: '1' };
  await seed(ctx, expected);
  const types: [string, Record<string, string>][] = [['text/plain', { 'Content-Type': 'text/plain' }], ['no Content-Type', {}], ['application/json; charset=UTF-8', { 'Content-Type': 'application/json; charset=UTF-8' }]];
  for (const w of writersOrNotApplicable(ctx)) {
    for (const [i, [name, headers]] of types.entries()) {
      const key = `${w.op.toLowerCase()}${i}`;
      const value = `JSON sent as ${name}`;
      const next = { ...expected, [key]: value };
      await ctx.step(`${w.label} with ${name}`, async () => {
        const ex =
          w.op === 'setItem'
            ? await ctx.server.raw('PUT', key, { body: JSON.stringify({ meta: { [key]: value } }), headers })
            : await ctx.server.raw(w.op === 'merge' ? 'POST' : 'PUT', undefined, { body: JSON.stringify({ metadata: next }), headers });
        expectAccepted(ctx, ex, `${w.label} with ${name}`);
      });
      expected[key] = value;
    }
  }
  await expectState(ctx, expected, 'metadata after writes with text/plain, a charset parameter and without Content-Type');
}

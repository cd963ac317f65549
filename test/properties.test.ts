import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PROFILES, type Profile } from '../profiles/index.ts';
import { startReference, type ReferenceServer } from '../reference/server.ts';
import { encodeKey } from '../lib/http/paths.ts';

/** Printable ASCII characters the profile's key rule allows. */
function allowedKeyChars(profile: Profile): string[] {
  const rule = new RegExp(profile.keys.pattern);
  return Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).filter((c) => rule.test(c));
}

describe.each(Object.values(PROFILES))('reference validation under profile $name (property-based)', (profile) => {
  let ref: ReferenceServer;
  let base: string;
  beforeAll(async () => {
    ref = await startReference({ profile });
    base = `${ref.url}/v2.1/${ref.projectId}/servers/${ref.store.createServer(ref.projectId).id}/metadata`;
  });
  afterAll(() => ref.close());

  const send = async (method: string, url: string, body?: string, contentType = 'application/json') => {
    const res = await fetch(url, { method, headers: { 'X-Auth-Token': ref.token, 'Content-Type': contentType }, ...(body !== undefined ? { body } : {}) });
    return { status: res.status, text: await res.text() };
  };

  const allowed = allowedKeyChars(profile);
  const validKey = fc.string({ unit: fc.constantFrom(...allowed), minLength: profile.keys.minLength, maxLength: profile.keys.maxLength });
  const value = fc.string({ unit: 'grapheme', minLength: profile.values.minLength, maxLength: 60 }).filter((v) => [...v].length <= profile.values.maxLength);

  test('any key matching the rule is accepted and round-trips exactly (list, and item URL where addressable)', async () => {
    await fc.assert(
      fc.asyncProperty(validKey, value, async (key, v) => {
        const put = await send('PUT', base, JSON.stringify({ metadata: { [key]: v } }));
        expect(put.status).toBe(200);
        const listed = JSON.parse((await send('GET', base)).text) as { metadata: Record<string, string> };
        expect(Object.entries(listed.metadata)).toEqual([[key, v]]);
        if (key !== '.' && key !== '..') {
          const item = await send('GET', `${base}/${encodeKey(key)}`);
          expect(item.status).toBe(200);
          expect(JSON.parse(item.text)).toEqual({ meta: { [key]: v } });
        }
      }),
      { numRuns: 100 },
    );
  });

  test('any key outside the rule is rejected with 400 and changes nothing', async () => {
    const forbidden = fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }).filter((s) => [...s].some((c) => !allowed.includes(c)));
    const invalidKey = fc.oneof(
      fc.tuple(fc.string({ unit: fc.constantFrom(...allowed), maxLength: 10 }), forbidden, fc.string({ unit: fc.constantFrom(...allowed), maxLength: 10 })).map(([a, b, c]) => a + b + c),
      fc.string({ unit: fc.constantFrom(...allowed), minLength: profile.keys.maxLength + 1, maxLength: profile.keys.maxLength + 20 }),
      fc.constant(''),
    );
    await send('PUT', base, JSON.stringify({ metadata: { keep: 'me' } }));
    await fc.assert(
      fc.asyncProperty(invalidKey, async (key) => {
        expect((await send('POST', base, JSON.stringify({ metadata: { [key]: 'v' } }))).status).toBe(400);
        expect(JSON.parse((await send('GET', base)).text)).toEqual({ metadata: { keep: 'me' } });
      }),
      { numRuns: 100 },
    );
  });

  test('no body, JSON or not, makes it answer 5xx', async () => {
    const bodies = fc.oneof(
      fc.jsonValue().map((j) => JSON.stringify(j)),
      fc.record({ metadata: fc.dictionary(fc.string(), fc.jsonValue()) }).map((j) => JSON.stringify(j)),
      fc.record({ meta: fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 }) }).map((j) => JSON.stringify(j)),
      fc.string({ unit: 'binary' }),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('PUT', 'POST'), fc.boolean(), bodies, async (method, item, body) => {
        const url = item && method === 'PUT' ? `${base}/k` : base;
        const res = await send(method, url, body);
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 200 },
    );
  });

  test('no path below the API makes it answer 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ unit: 'binary', maxLength: 12 }), { maxLength: 5 }), fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'PATCH'), async (segments, method) => {
        const path = segments.map((s) => encodeURIComponent(s)).join('/');
        const res = await send(method, `${ref.url}/v2.1/${ref.projectId}/${path}`, method === 'PUT' || method === 'POST' ? '{}' : undefined);
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 200 },
    );
  });
});

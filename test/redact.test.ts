import { describe, expect, test } from 'vitest';
import { describeExchange, formatExchange, toCurl, type Exchange } from '../lib/http/exchange.ts';
import { encodeKey, metadataPath } from '../lib/http/paths.ts';
import { redactHeaders, redactText, registerSecret } from '../lib/http/redact.ts';

const TOKEN = 'gAAAAABsecret-token-value-0123456789';

function exchange(): Exchange {
  return {
    request: { method: 'PUT', url: 'http://nova/v2.1/p/servers/s/metadata', headers: { 'X-Auth-Token': TOKEN, 'Content-Type': 'application/json' }, body: `{"metadata": {"k": "it's"}}` },
    response: { status: 200, headers: { 'x-subject-token': TOKEN, 'content-type': 'application/json' }, text: `{"metadata": {"echo": "${TOKEN}"}}` },
    durationMs: 3,
  };
}

describe('redaction', () => {
  registerSecret(TOKEN);

  test('secret headers are masked whatever their case', () => {
    expect(redactHeaders({ 'X-Auth-Token': TOKEN, authorization: 'Bearer x', Cookie: 'a=b', 'X-Other': 'v' })).toEqual({ 'X-Auth-Token': '***', authorization: '***', Cookie: '***', 'X-Other': 'v' });
  });

  test('a registered secret is masked anywhere in text', () => {
    expect(redactText(`before ${TOKEN} middle ${TOKEN}after`)).toBe('before *** middle ***after');
  });

  test('very short values are not registered (they would mask ordinary text)', () => {
    registerSecret('ab');
    expect(redactText('abc')).toBe('abc');
  });

  test('transcripts, curl commands and failure messages never contain the token', () => {
    const ex = exchange();
    for (const text of [formatExchange(ex), toCurl(ex), describeExchange(ex)]) expect(text).not.toContain(TOKEN);
    expect(formatExchange(ex)).toContain('> X-Auth-Token: ***');
    expect(toCurl(ex)).toContain('"X-Auth-Token: $OS_TOKEN"');
  });

  test('curl quotes single quotes in bodies for a POSIX shell', () => {
    expect(toCurl(exchange())).toContain(`--data-binary '{"metadata": {"k": "it'\\''s"}}'`);
  });
});

describe('metadata URLs', () => {
  test.each([
    ['a b', 'a%20b'],
    ['a:b', 'a%3Ab'],
    ['a.b', 'a.b'],
    ['a.json', 'a.json'],
    ['k-_:. Z9', 'k-_%3A.%20Z9'],
    ['é', '%C3%A9'],
    ['😀', '%F0%9F%98%80'],
    ['a/b', 'a%2Fb'],
    ['a?b#c', 'a%3Fb%23c'],
  ])('key %j is one path segment %s', (key, encoded) => {
    expect(encodeKey(key)).toBe(encoded);
  });

  test('dot-segment keys cannot be addressed', () => {
    expect(() => encodeKey('.')).toThrow(/dot-segments/);
    expect(() => encodeKey('..')).toThrow(/dot-segments/);
  });

  test('paths', () => {
    expect(metadataPath('servers', 'abc')).toBe('/servers/abc/metadata');
    expect(metadataPath('servers', 'abc', 'a b')).toBe('/servers/abc/metadata/a%20b');
    expect(metadataPath('images', 'i d', 'k')).toBe('/images/i%20d/metadata/k');
  });
});

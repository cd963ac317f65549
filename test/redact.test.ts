import fc from 'fast-check';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, test } from 'vitest';
import { scrubResults } from '../cli/safety.ts';
import { registerEntrySecrets, refuseUserinfo } from '../lib/config/secrets.ts';
import { redactError, redactValue } from '../lib/harness/redact-error.ts';
import { describeExchange, formatExchange, toCurl, type Exchange } from '../lib/http/exchange.ts';
import { compileMasker, FRAGMENT, maskUserinfo } from '../lib/http/mask.ts';
import { encodeKey, metadataPath } from '../lib/http/paths.ts';
import { exportSecrets, importSecrets, redactHeaders, redactText, registeredSecrets, registerSecret, SECRETS_ENV } from '../lib/http/redact.ts';
import { tempDir } from './helpers/cli.ts';
import { forbiddenRuns, leaked, leakForms } from './helpers/hostile.ts';

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

describe('the masker', () => {
  const TOKEN = `gAAAAAB"quote\\back'single<&>${'x9Kq'.repeat(6)}-é/+ end`;
  const mask = compileMasker([TOKEN]);

  test.each(Object.entries({ ...leakForms(TOKEN), doubleJson: JSON.stringify(JSON.stringify(TOKEN)), xmlOfJson: JSON.stringify(TOKEN).replace(/&/g, '&amp;').replace(/"/g, '&quot;'), hex: Buffer.from(TOKEN).toString('hex') }))('the %s form is masked', (_form, value) => {
    const text = `before ${value} after`;
    const out = mask(text);
    expect(leaked(out, forbiddenRuns(TOKEN))).toEqual([]);
    expect(out).toMatch(/^before .*\*\*\*.* after$/);
  });

  test('base64 inside a longer base64 text, at each alignment', () => {
    for (const prefix of ['', 'a', 'ab', 'abc', 'abcd']) {
      for (const enc of ['base64', 'base64url'] as const) {
        const text = Buffer.from(`${prefix}${TOKEN}tail bytes`).toString(enc);
        expect(leaked(mask(text), forbiddenRuns(TOKEN)), `${prefix.length} ${enc}`).toEqual([]);
      }
    }
  });

  test('any run of FRAGMENT characters of a long secret is masked, in any form; a shorter run is not', () => {
    const secret = 'Z7q-long-secret-value-0123456789abcdefXYZ';
    const m = compileMasker([secret]);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: secret.length - FRAGMENT }), fc.integer({ min: FRAGMENT, max: secret.length }), fc.string(), fc.string(), (start, length, before, after) => {
        const run = secret.slice(start, Math.min(secret.length, start + length));
        fc.pre(run.length >= FRAGMENT);
        for (const form of [run, Buffer.from(run).toString('base64'), encodeURIComponent(run), JSON.stringify(run)]) {
          const out = m(`${before}${form}${after}`);
          expect(out).not.toContain(form);
          expect(out).toContain('***');
        }
      }),
      { numRuns: 200 },
    );
    const short = secret.slice(3, 3 + FRAGMENT - 1);
    expect(m(`x ${short} y`)).toBe(`x ${short} y`);
  });

  test('a short secret is masked whole, in its forms, and not in part', () => {
    const m = compileMasker(['s3cr"et']);
    expect(m('a s3cr"et b')).toBe('a *** b');
    expect(m('a s3cr\\"et b')).toBe('a *** b');
    // the last base64 character, which also depends on what follows, and the padding stay
    expect(m(`a ${Buffer.from('s3cr"et').toString('base64')} b`)).toMatch(/^a \*\*\*.{0,3} b$/);
    expect(m('a s3cr"e b s3cr b')).toBe('a s3cr"e b s3cr b');
  });

  test('ordinary text is left as it is; overlapping and adjacent matches make one mask', () => {
    const text = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
    expect(mask(text)).toBe(text);
    expect(mask(`[${TOKEN}${TOKEN}]`)).toBe('[***]');
    expect(mask(`[${TOKEN.slice(0, 20)}${TOKEN.slice(10)}]`)).toBe('[***]');
    expect(compileMasker([])('anything')).toBe('anything');
  });

  test('escaping noise alone is never masked (every needle stands for FRAGMENT characters of the secret)', () => {
    const m = compileMasker([`pa"ss'w\\ord<&>é/x+y z`]);
    const noisy = '&quot;&lt;b&gt;&amp;amp;&lt;/b&gt;&quot; \\u00e9\\/ %22%27%5C &amp;quot;';
    expect(m(noisy)).toBe(noisy);
  });

  test('one pass over a large text, quickly', () => {
    const secrets = Array.from({ length: 20 }, (_, i) => `secret-${i}-${'abcdefghij'.repeat(4)}-${i * 7919}`);
    const m = compileMasker(secrets);
    const text = `${'ordinary transcript line with {"metadata": {"k": "v"}}\n'.repeat(20_000)}${secrets[7]}`;
    const started = performance.now();
    const out = m(text);
    expect(out.endsWith('***')).toBe(true);
    // about 1 MiB: tens of milliseconds; the bound only catches a per-secret or quadratic scan
    expect(performance.now() - started).toBeLessThan(2000);
  });

  test('URL userinfo is masked', () => {
    expect(maskUserinfo('GET http://user:pw@host:5000/v3 → 401')).toBe('GET http://***@host:5000/v3 → 401');
    expect(maskUserinfo('mail a@b, see http://host/a@b')).toBe('mail a@b, see http://host/a@b');
  });
});

describe('the registry', () => {
  const SECRET = `registry-secret-${Math.random().toString(36).slice(2)}-value`;
  registerSecret(SECRET);

  test('forms of a registered secret are masked in text and in headers', () => {
    expect(redactText(`a ${Buffer.from(SECRET).toString('base64')} b`)).toMatch(/^a \*\*\*.{0,3} b$/);
    expect(redactHeaders({ 'x-echo': SECRET.slice(2, 20), 'x-b64': Buffer.from(`12${SECRET}`).toString('base64') })).toEqual({ 'x-echo': '***', 'x-b64': expect.stringMatching(/^.{0,3}\*\*\*.{0,4}$/) });
  });

  test('the runner hands its secrets to the workers through the environment', () => {
    const value = exportSecrets();
    expect(JSON.parse(value)).toContain(SECRET);
    importSecrets({ [SECRETS_ENV]: JSON.stringify(['handed-over-secret-123456']) });
    expect(registeredSecrets()).toContain('handed-over-secret-123456');
    importSecrets({ [SECRETS_ENV]: 'not json' });
  });

  test('a secret a worker thread learns (a renewed token) reaches the runner thread', async () => {
    const renewed = `renewed-in-a-worker-${Math.random().toString(36).slice(2)}`;
    // what registerSecret does in a worker: post on the secrets channel
    const worker = new Worker(`const { BroadcastChannel } = require('node:worker_threads'); const c = new BroadcastChannel('metaconform:secrets'); c.postMessage(${JSON.stringify(renewed)}); setTimeout(() => c.close(), 50);`, { eval: true });
    await new Promise((resolve) => worker.once('exit', resolve));
    await expect.poll(() => registeredSecrets().includes(renewed)).toBe(true);
    expect(redactText(`x ${renewed} y`)).toBe('x *** y');
  });

  test('secrets of a clouds.yaml or secure.yaml entry are registered', () => {
    registerEntrySecrets({ auth: { password: 'cloud-password-value-1', application_credential_secret: 'cloud-ac-secret-value-2', username: 'demo-user-name' } });
    expect(registeredSecrets()).toEqual(expect.arrayContaining(['cloud-password-value-1', 'cloud-ac-secret-value-2']));
    expect(registeredSecrets()).not.toContain('demo-user-name');
  });

  test('a URL with userinfo is refused without repeating it, and its password is masked', () => {
    expect(() => refuseUserinfo('OS_AUTH_URL', 'https://admin:userinfo-pw-1234@keystone:5000/v3')).toThrow(/^OS_AUTH_URL: must not contain credentials/);
    try {
      refuseUserinfo('OS_AUTH_URL', 'https://admin:userinfo-pw-1234@keystone:5000/v3');
    } catch (e) {
      expect((e as Error).message).not.toContain('userinfo-pw-1234');
    }
    expect(registeredSecrets()).toContain('userinfo-pw-1234');
    expect(() => refuseUserinfo('OS_AUTH_URL', 'https://keystone:5000/v3?a=b@c')).not.toThrow();
  });
});

describe('errors a failing test throws', () => {
  const SECRET = `error-secret-${Math.random().toString(36).slice(2)}-value"q`;
  registerSecret(SECRET);

  test('message, stack, actual, expected, cause and nested values are masked in place', () => {
    class AssertionError extends Error {
      override name = 'AssertionError';
      actual: unknown = { metadata: { leak: SECRET, list: [`x${SECRET}`], b64: Buffer.from(SECRET).toString('base64') } };
      expected: unknown = new Map([['k', SECRET.slice(1, 15)]]);
      showDiff = true;
    }
    const error = new AssertionError(`expected { leak: '${SECRET}' } to deeply equal {}`, { cause: new Error(`caused by ${SECRET}`) });
    const cyclic: Record<string, unknown> = { s: SECRET };
    cyclic.self = cyclic;
    (error as unknown as { extra: unknown }).extra = cyclic;
    const same = redactError(error);
    expect(same).toBe(error);
    expect(same).toBeInstanceOf(AssertionError);
    const seen = JSON.stringify({ message: error.message, stack: error.stack, actual: error.actual, expected: [...(error.expected as Map<string, string>)], cause: (error.cause as Error).message, extra: (error as unknown as { extra: { s: string } }).extra.s });
    expect(leaked(seen, forbiddenRuns(SECRET))).toEqual([]);
    expect(seen).toContain('***');
    expect((error as unknown as { extra: { self: unknown } }).extra.self).toBe((error as unknown as { extra: unknown }).extra);
  });

  test('values keep their shape; non-strings are kept', () => {
    expect(redactValue({ a: [1, true, null, SECRET], d: new Date(0) })).toEqual({ a: [1, true, null, '***'], d: new Date(0) });
    expect(redactError('plain string error')).toBe('plain string error');
  });
});

describe('the scrub of a results folder', () => {
  const SECRET = `scrub-secret-${Math.random().toString(36).slice(2)}-value`;
  registerSecret(SECRET);

  test('every text file holding a secret in any form is rewritten masked; others are not touched', () => {
    const dir = tempDir('scrub');
    mkdirSync(join(dir, 'allure-results'));
    writeFileSync(join(dir, 'junit.xml'), `<failure message="expected &apos;${SECRET}&apos;"/>`);
    writeFileSync(join(dir, 'allure-results', 'a-attachment.txt'), `< x-echo: ${Buffer.from(`q${SECRET}`).toString('base64')}`);
    writeFileSync(join(dir, 'clean.json'), '{"ok": true}');
    writeFileSync(join(dir, 'bundle.tar.gz'), Buffer.concat([Buffer.from([0x1f, 0x8b, 0]), Buffer.from(SECRET)]));
    const cleanTime = statSync(join(dir, 'clean.json')).mtimeMs;
    const rewritten = scrubResults(dir).map((f) => f.slice(dir.length + 1)).sort();
    expect(rewritten).toEqual(['allure-results/a-attachment.txt', 'junit.xml']);
    for (const f of rewritten) expect(leaked(readFileSync(join(dir, f), 'utf8'), forbiddenRuns(SECRET))).toEqual([]);
    expect(statSync(join(dir, 'clean.json')).mtimeMs).toBe(cleanTime);
    // binary files (archives) are left alone
    expect(readFileSync(join(dir, 'bundle.tar.gz')).includes(SECRET)).toBe(true);
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

import { createServer, request, type IncomingMessage, type Server } from 'node:http';

/**
 * Hostile loopback servers for the redaction tests: they put the secrets they are sent into their answers,
 * in every form the masker must catch. Each counts the requests it got.
 */

export interface Hostile {
  url: string;
  requests: number;
  /** Every token Keystone issued through it (X-Subject-Token of its answers: the first and every renewed one). */
  tokens: Set<string>;
  stop(): Promise<void>;
}

/** The forms a hostile server echoes a secret in (the test checks none of them reaches an artefact). */
export function leakForms(secret: string): Record<string, string> {
  const b = Buffer.from(secret);
  return {
    raw: secret,
    json: JSON.stringify(secret),
    b64: b.toString('base64'),
    b64url: b.toString('base64url'),
    // inside a longer base64 text, at the two other alignments
    b64in1: Buffer.concat([Buffer.from('x'), b, Buffer.from('yz')]).toString('base64'),
    b64in2: Buffer.concat([Buffer.from('xy'), b, Buffer.from('z')]).toString('base64'),
    trunc: secret.slice(3, 3 + 14),
    tail: `…${secret.slice(-13)}`,
    url: encodeURIComponent(secret),
    form: new URLSearchParams({ s: secret }).toString().slice(2),
  };
}

/** The shortest run of a secret that must not appear (the masker's FRAGMENT, restated here on purpose). */
const RUN = 12;

/**
 * The forms a secret must not appear in, computed here independently of lib/http/mask.ts: the encodings
 * an artefact can give it, each with every run that stands for RUN characters of the secret (for an
 * escaped form, RUN characters of the form: as many or fewer of the secret's).
 */
export function forbiddenRuns(secret: string): Set<string> {
  const b = Buffer.from(secret);
  const { b64: _b64, b64url: _b64url, b64in1: _b64in1, b64in2: _b64in2, ...charwise } = leakForms(secret);
  // forms that encode character by character, and how many of their characters stand for RUN of the secret's
  const forms: [string, number][] = [
    ...Object.values(charwise),
    JSON.stringify(JSON.stringify(secret)),
    secret.replace(/'/g, "\\'"),
    secret.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
    encodeURIComponent(secret).toLowerCase(),
  ].map((f) => [f, RUN]);
  forms.push([b.toString('hex'), 2 * RUN]);
  // base64, also inside a longer base64 text: the characters that do not change with the bytes around the
  // secret, at each alignment; RUN bytes are 16 characters
  for (const pad of [0, 1, 2]) {
    for (const enc of ['base64', 'base64url'] as const) {
      const zeros = Buffer.concat([Buffer.alloc(pad, 0), b, Buffer.alloc(3, 0)]).toString(enc);
      const ones = Buffer.concat([Buffer.alloc(pad, 255), b, Buffer.alloc(3, 255)]).toString(enc);
      forms.push([[...zeros].map((c, i) => (c === ones[i] ? c : ' ')).join('').trim(), (RUN * 4) / 3]);
    }
  }
  const runs = new Set<string>();
  for (const [f, n] of forms) {
    if (secret.length <= RUN) runs.add(f);
    else for (let i = 0; i + n <= f.length; i++) runs.add(f.slice(i, i + n));
  }
  return runs;
}

/** Runs of a secret found in a text (empty: none). */
export function leaked(text: string, runs: Set<string>): string[] {
  const found: string[] = [];
  const lengths = new Set([...runs].map((r) => r.length));
  for (const n of lengths) for (let i = 0; i + n <= text.length; i++) if (runs.has(text.slice(i, i + n))) found.push(text.slice(i, i + n));
  return found;
}

/** Names of the texts (files, stdout, stderr) that hold a run of one of the secrets, with the run. */
export function leaks(texts: Iterable<[string, string]>, secrets: Iterable<string>): string[] {
  const runs = new Set<string>();
  for (const s of secrets) for (const r of forbiddenRuns(s)) runs.add(r);
  const found: string[] = [];
  for (const [name, text] of texts) {
    const hit = leaked(text, runs);
    if (hit.length) found.push(`${name}: ${JSON.stringify(hit[0])}`);
  }
  return found;
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}`)));
}

function body(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function stopper(server: Server): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
}

/**
 * A proxy in front of a compute endpoint that answers like it, but adds the request's X-Auth-Token to every
 * metadata map it returns (raw, JSON-escaped, base64 at three alignments, truncated, URL-encoded) and to
 * response headers (raw, base64, truncated): every test that compares a map fails with the token in its
 * actual value.
 */
export async function startLeakingProxy(upstream: string): Promise<Hostile> {
  const origin = new URL(upstream);
  const state = { requests: 0, tokens: new Set<string>() };
  const server = createServer((req, res) => {
    state.requests++;
    void body(req).then((sent) => {
      const headers = { ...req.headers, host: origin.host };
      const forward = request({ host: origin.hostname, port: origin.port, method: req.method, path: req.url, headers }, (up) => {
        void body(up).then((answer) => {
          if (typeof up.headers['x-subject-token'] === 'string') state.tokens.add(up.headers['x-subject-token']);
          const token = String(req.headers['x-auth-token'] ?? '');
          const leaks = token ? leakForms(token) : {};
          let text = answer.toString('utf8');
          try {
            const doc = JSON.parse(text) as { metadata?: Record<string, string> };
            if (doc && typeof doc.metadata === 'object' && token) {
              for (const [form, value] of Object.entries(leaks)) doc.metadata[`leak-${form}`] = value;
              text = JSON.stringify(doc);
            }
          } catch {
            // not JSON: passed on as is
          }
          const out: Record<string, string | string[]> = {};
          for (const [k, v] of Object.entries(up.headers)) if (v !== undefined && k !== 'content-length' && k !== 'transfer-encoding' && k !== 'connection') out[k] = v;
          if (token) {
            out['x-leak-raw'] = token;
            out['x-leak-b64'] = leaks.b64!;
            out['x-leak-trunc'] = leaks.trunc!;
            out['x-leak-b64in1'] = leaks.b64in1!;
          }
          res.writeHead(up.statusCode ?? 502, out);
          res.end(text);
        });
      });
      forward.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      forward.end(sent);
    });
  });
  const url = await listen(server);
  return {
    url,
    get requests() {
      return state.requests;
    },
    tokens: state.tokens,
    stop: stopper(server),
  };
}

/** A Keystone that answers every request with 401 and the request it got, echoed whole (JSON, base64, URL-encoded). */
export async function startEchoingKeystone(): Promise<Hostile> {
  const state = { requests: 0 };
  const server = createServer((req, res) => {
    state.requests++;
    void body(req).then((sent) => {
      const text = sent.toString('utf8');
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      res.writeHead(401, { 'content-type': 'application/json', 'x-echo-b64': sent.toString('base64'), 'www-authenticate': `Keystone uri="${encodeURIComponent(text)}"` });
      res.end(JSON.stringify({ error: { code: 401, title: 'Unauthorized', message: `The request you have made requires authentication: ${text}` }, request: parsed, raw: text, b64: sent.toString('base64'), url: encodeURIComponent(text) }));
    });
  });
  const url = await listen(server);
  return {
    url,
    get requests() {
      return state.requests;
    },
    tokens: new Set(),
    stop: stopper(server),
  };
}

/** A server that only counts what it is sent (a target that must not be contacted) and answers 500. */
export async function startCounter(): Promise<Hostile> {
  const state = { requests: 0 };
  const server = createServer((_req, res) => {
    state.requests++;
    res.writeHead(500);
    res.end();
  });
  const url = await listen(server);
  return {
    url,
    get requests() {
      return state.requests;
    },
    tokens: new Set(),
    stop: stopper(server),
  };
}

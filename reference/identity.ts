/**
 * The identity endpoint the reference serves under /identity, a stand-in for Keystone's own API: v3's
 * POST /v3/auth/tokens (keystone/api/auth.py) and v2.0's POST /v2.0/tokens (keystone/token/controllers.py
 * of the releases that still had v2.0, and Rackspace's identity service). The tokens and catalogs come from
 * reference/keystone.ts. Keystone's answers carry none of Nova's headers.
 */
import type { ReferenceContext, RequestContext } from './context.ts';

/** Serves a request under /identity when it names an identity operation; false when none matches. */
export function serveIdentity(ref: ReferenceContext, rq: RequestContext, segments: readonly string[], raw: Buffer, host: string): boolean {
  const method = rq.req.method ?? 'GET';
  if (segments.join('/') === 'identity/v3/auth/tokens' && method === 'POST') {
    answer(rq, ref.keystone.authenticate(parseJson(raw), host));
    return true;
  }
  if (segments.join('/') === 'identity/v2.0/tokens' && method === 'POST') {
    answer(rq, ref.keystone.authenticateV2(parseJson(raw), host));
    return true;
  }
  return false;
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}

function answer(rq: RequestContext, answer: { status: number; headers: Record<string, string>; body?: unknown }): void {
  const text = JSON.stringify(answer.body ?? {});
  rq.res.writeHead(answer.status, { ...answer.headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
  rq.res.end(text);
}

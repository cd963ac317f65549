import { renewToken } from '../auth/session.ts';
import { HttpClient, type HttpOptions } from '../http/client.ts';
import { Limiter } from '../http/limit.ts';
import { registerSecret } from '../http/redact.ts';
import { runStopSignal } from './stop.ts';
import type { Target } from './target.ts';

/** The token each target is used with in this worker; renewed when it expires. */
const current = new Map<string, string>();
const renewing = new Map<string, Promise<string>>();

export function tokenFor(target: Target): string {
  return current.get(target.id) ?? target.token;
}

/** Renews the target's token once for all concurrent callers; undefined when it cannot be renewed. */
export function renewerFor(target: Target): (() => Promise<string>) | undefined {
  const renewal = target.renewal;
  if (!renewal) return undefined;
  return () => {
    let pending = renewing.get(target.id);
    if (!pending) {
      pending = renewToken(renewal, target.timeoutMs)
        .then((token) => {
          registerSecret(token);
          current.set(target.id, token);
          return token;
        })
        .finally(() => renewing.delete(target.id));
      renewing.set(target.id, pending);
    }
    return pending;
  };
}

const limiters = new Map<string, Limiter>();

/** The one in-flight bound each target shares across the tests of this worker. */
export function limiterFor(target: Target): Limiter {
  let limiter = limiters.get(target.id);
  // a real target's bound adapts to what it serves well; the embedded reference's lanes each own a server
  if (!limiter) limiters.set(target.id, (limiter = new Limiter(target.concurrency ?? 4, target.kind === 'endpoint')));
  return limiter;
}

/** An HTTP client for a target that sends its current token and renews it after a 401 (tests and runner alike). */
export function httpFor(target: Target, extra: Pick<HttpOptions, 'limiter' | 'onExchange' | 'signal'> & { timeoutMs?: number } = {}): HttpClient {
  const renew = renewerFor(target);
  return new HttpClient({ token: target.token, tokenSource: () => tokenFor(target), ...(renew ? { renewToken: renew } : {}), timeoutMs: target.timeoutMs, ...extra });
}

/** The HTTP client of a test: like httpFor, and it stops sending once the runner stops the run (stop.ts). */
export function testHttp(target: Target, extra: Pick<HttpOptions, 'limiter' | 'onExchange'> & { signal: AbortSignal }): HttpClient {
  return httpFor(target, { ...extra, signal: AbortSignal.any([extra.signal, runStopSignal()]) });
}

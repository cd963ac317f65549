import type { MetadataClient } from '../lib/clients/metadata-client.ts';
import { header } from '../lib/http/exchange.ts';

/** What a request without a token told about the target's authentication. */
export interface AuthProbe {
  /** false: a token-less request succeeded; true: it was refused (401); undefined: no conclusion. */
  authEnforced: boolean | undefined;
  /** One line for the run's output (never contains a token: the answer's headers are not echoed). */
  note: string;
}

/** The loud line a run prints (and writes to summary.json) when the target does not enforce authentication. */
export const AUTH_NOT_ENFORCED = 'authentication not enforced by the target';

/**
 * Reads the server's metadata without a token. Nova's `noauth2` (no Keystone) answers any token-less
 * request with 204, a fake token and an `X-Server-Management-Url` header (nova/api/openstack/auth.py
 * NoAuthMiddlewareBase); any other success also means the token is not checked. A 401 means it is.
 */
export async function probeAuthentication(client: MetadataClient): Promise<AuthProbe> {
  const ex = await client.raw('GET', undefined, { anonymous: true });
  const status = ex.response.status;
  if (status >= 200 && status < 300) {
    const noauth2 = status === 204 && header(ex, 'x-server-management-url') !== undefined;
    return {
      authEnforced: false,
      note: noauth2
        ? `${AUTH_NOT_ENFORCED}: a request without a token was answered 204 with X-Server-Management-Url (Nova noauth2, no Keystone); 401 behaviours cannot be observed`
        : `${AUTH_NOT_ENFORCED}: a request without a token was answered ${status}`,
    };
  }
  if (status === 401) return { authEnforced: true, note: 'a request without a token was refused (401)' };
  return { authEnforced: undefined, note: `a request without a token was answered ${status}; authentication not determined` };
}

import { normaliseComputeUrl, type ComputeEndpoint } from '../config/endpoint.ts';
import { ConfigError } from '../errors.ts';
import { registerSecret } from '../http/redact.ts';
import { computeUrlFromCatalog, issueToken, type CatalogEntry } from './keystone.ts';
import { isV2, secretOf, type AuthMethod, type KeystoneCredentials, type ProjectRef } from './types.ts';

/** What a worker needs to renew an expired token by itself (secrets included; they are registered for redaction). */
export interface Renewal {
  authUrl: string;
  credentials: KeystoneCredentials;
  project?: ProjectRef;
}

export interface Session {
  token: string;
  projectId: string;
  endpoint: ComputeEndpoint;
  /** Where the compute endpoint came from, for the run's header line. */
  endpointFrom: 'METACONFORM_COMPUTE_URL' | 'service catalog';
  /** The token's service catalog (Keystone), for `metaconform check` to say which endpoint was chosen and why. */
  catalog?: CatalogEntry[];
  renewal?: Renewal;
}

/** What opening a session needs of an endpoint target's configuration. */
export interface SessionSettings {
  endpoint?: ComputeEndpoint;
  projectId?: string;
  auth: AuthMethod;
}

/**
 * Authenticates as configured: a pre-issued token is used as is; Keystone credentials (v3, or v2.0) are
 * exchanged for a token, and the compute endpoint is read from its catalog unless METACONFORM_COMPUTE_URL
 * overrides it.
 */
export async function openSession(t: SessionSettings, timeoutMs: number): Promise<Session> {
  if (t.auth.kind === 'token') {
    registerSecret(t.auth.token);
    if (!t.endpoint || !t.projectId) throw new ConfigError('METACONFORM_COMPUTE_URL', 'and OS_PROJECT_ID are required with a pre-issued token and no OS_AUTH_URL');
    return { token: t.auth.token, projectId: t.projectId, endpoint: t.endpoint, endpointFrom: 'METACONFORM_COMPUTE_URL' };
  }
  const { authUrl, credentials, project } = t.auth;
  const issued = await issueToken(authUrl, credentials, project, timeoutMs);
  const projectId = issued.projectId ?? t.projectId;
  if (!projectId && isV2(credentials)) throw new ConfigError('OS_TENANT_NAME', 'is not set and Keystone v2.0 issued a token for no tenant: set OS_TENANT_NAME or OS_TENANT_ID');
  if (!projectId) throw new ConfigError('OS_PROJECT_ID', 'is not set and the token names no project');
  if (t.projectId && issued.projectId && t.projectId !== issued.projectId) {
    throw new ConfigError('OS_PROJECT_ID', `'${t.projectId}' differs from the project the token is scoped to ('${issued.projectId}')`);
  }
  const endpoint = t.endpoint ?? normaliseComputeUrl(computeUrlFromCatalog(issued.catalog, t.auth.interface, t.auth.region), projectId);
  if (endpoint.projectIdInUrl && endpoint.projectIdInUrl !== projectId) {
    throw new ConfigError('METACONFORM_COMPUTE_URL', `names project '${endpoint.projectIdInUrl}', but the token is scoped to '${projectId}'`);
  }
  return {
    token: issued.token,
    projectId,
    endpoint,
    endpointFrom: t.endpoint ? 'METACONFORM_COMPUTE_URL' : 'service catalog',
    catalog: issued.catalog,
    renewal: { authUrl, credentials, ...(project ? { project } : {}) },
  };
}

/** A fresh token for a running session (after the target answered 401 to a token that worked before). */
export async function renewToken(renewal: Renewal, timeoutMs: number): Promise<string> {
  return (await issueToken(renewal.authUrl, renewal.credentials, renewal.project, timeoutMs)).token;
}

export function registerRenewalSecrets(renewal: Renewal | undefined): void {
  if (!renewal) return;
  registerSecret(secretOf(renewal.credentials));
}

import { ConfigError, InfrastructureError } from '../errors.ts';
import { HttpClient } from '../http/client.ts';
import { describeExchange, header, json } from '../http/exchange.ts';
import { registerSecret } from '../http/redact.ts';
import type { Interface, KeystoneCredentials, ProjectRef } from './types.ts';

export interface CatalogEndpoint {
  interface: string;
  region?: string;
  region_id?: string;
  url: string;
}

export interface CatalogEntry {
  type: string;
  name?: string;
  endpoints: CatalogEndpoint[];
}

export interface IssuedToken {
  token: string;
  projectId?: string;
  expiresAt?: string;
  catalog: CatalogEntry[];
}

/** The Keystone v3 tokens URL for an OS_AUTH_URL given with or without its /v3 suffix. */
export function tokensUrl(authUrl: string): string {
  const trimmed = authUrl.replace(/\/+$/, '');
  return `${/\/v3$/.test(trimmed) ? trimmed : `${trimmed}/v3`}/auth/tokens`;
}

/** The body of POST /v3/auth/tokens for these credentials and project scope. */
export function authRequest(credentials: KeystoneCredentials, project?: ProjectRef): unknown {
  let identity: Record<string, unknown>;
  switch (credentials.method) {
    case 'password':
      identity = { methods: ['password'], password: { user: { ...credentials.user, password: credentials.password } } };
      break;
    case 'application_credential': {
      const { method: _m, ...ac } = credentials;
      identity = { methods: ['application_credential'], application_credential: ac };
      break;
    }
    case 'token':
      identity = { methods: ['token'], token: { id: credentials.token } };
      break;
  }
  // An application credential carries its own scope; Keystone refuses an explicit one with it.
  const scoped = credentials.method !== 'application_credential' && project;
  return { auth: { identity, ...(scoped ? { scope: { project } } : {}) } };
}

/** The variable to blame when Keystone refuses these credentials. */
function credentialVariable(credentials: KeystoneCredentials): string {
  return credentials.method === 'password' ? 'OS_PASSWORD' : credentials.method === 'token' ? 'OS_TOKEN' : 'OS_APPLICATION_CREDENTIAL_SECRET';
}

/** Exchanges credentials for a token and the service catalog. */
export async function issueToken(authUrl: string, credentials: KeystoneCredentials, project: ProjectRef | undefined, timeoutMs: number): Promise<IssuedToken> {
  registerSecret(credentials.method === 'password' ? credentials.password : credentials.method === 'token' ? credentials.token : credentials.secret);
  const http = new HttpClient({ token: '', timeoutMs });
  const ex = await http.send('POST', tokensUrl(authUrl), { anonymous: true, json: authRequest(credentials, project) });
  const status = ex.response.status;
  if (status === 401) throw new ConfigError(credentialVariable(credentials), `Keystone rejected the credentials (401): ${describeExchange(ex)}`);
  if (status === 404) throw new ConfigError('OS_AUTH_URL', `is not a Keystone v3 endpoint (404 for ${tokensUrl(authUrl)})`);
  if (status >= 400) throw new ConfigError('OS_AUTH_URL', `Keystone refused the authentication request: ${describeExchange(ex)}`);
  const token = header(ex, 'x-subject-token');
  const body = json(ex) as { token?: { project?: { id?: string }; expires_at?: string; catalog?: CatalogEntry[] } } | undefined;
  if (!token || !body?.token) throw new InfrastructureError(`Keystone answered without a token: ${describeExchange(ex)}`);
  registerSecret(token);
  return { token, projectId: body.token.project?.id, expiresAt: body.token.expires_at, catalog: body.token.catalog ?? [] };
}

/** The compute endpoint URL of a catalog for an interface and (when several regions offer one) a region. */
export function computeUrlFromCatalog(catalog: CatalogEntry[], iface: Interface, region: string | undefined): string {
  const compute = catalog.find((e) => e.type === 'compute');
  if (!compute) throw new ConfigError('METACONFORM_COMPUTE_URL', 'is not set and the service catalog has no compute service');
  const candidates = compute.endpoints.filter((e) => e.interface === iface && (!region || e.region === region || e.region_id === region));
  const regions = [...new Set(candidates.map((e) => e.region ?? e.region_id ?? ''))];
  if (candidates.length === 0) {
    const offered = compute.endpoints.map((e) => `${e.interface}@${e.region ?? e.region_id ?? '?'}`).join(', ');
    throw new ConfigError(region ? 'OS_REGION_NAME' : 'OS_INTERFACE', `no ${iface} compute endpoint${region ? ` in region '${region}'` : ''} in the catalog (offered: ${offered})`);
  }
  if (regions.length > 1) throw new ConfigError('OS_REGION_NAME', `is not set and the catalog offers compute in several regions (${regions.join(', ')})`);
  return candidates[0]!.url;
}

import { ConfigError, InfrastructureError } from '../errors.ts';
import { HttpClient } from '../http/client.ts';
import { describeExchange, header, json } from '../http/exchange.ts';
import { registerSecret } from '../http/redact.ts';
import { credentialVariable, isV2, secretOf, type Interface, type KeystoneCredentials, type KeystoneV2Credentials, type KeystoneV3Credentials, type ProjectRef } from './types.ts';

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
export function authRequest(credentials: KeystoneV3Credentials, project?: ProjectRef): unknown {
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

/** Exchanges credentials for a token and the service catalog (Keystone v2.0 for v2-* credentials, else v3). */
export async function issueToken(authUrl: string, credentials: KeystoneCredentials, project: ProjectRef | undefined, timeoutMs: number): Promise<IssuedToken> {
  registerSecret(secretOf(credentials));
  if (isV2(credentials)) return issueTokenV2(authUrl, credentials, project, timeoutMs);
  const http = new HttpClient({ token: '', timeoutMs });
  // issuing a token twice is harmless: the request may be sent again after a reset
  const ex = await http.send('POST', tokensUrl(authUrl), { anonymous: true, json: authRequest(credentials, project), replayable: true });
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

// --- Keystone v2.0 (POST /v2.0/tokens), as Rackspace and older clouds serve it ---------------------------

/** The Keystone v2.0 tokens URL for an OS_AUTH_URL given with or without its /v2.0 suffix. */
export function v2TokensUrl(authUrl: string): string {
  const trimmed = authUrl.replace(/\/+$/, '');
  return `${/\/v2\.0$/.test(trimmed) ? trimmed : `${trimmed}/v2.0`}/tokens`;
}

/** The body of POST /v2.0/tokens: passwordCredentials, RAX-KSKEY:apiKeyCredentials or token, and the tenant (by id or name) when one is named. */
export function v2AuthRequest(credentials: KeystoneV2Credentials, tenant?: ProjectRef): unknown {
  const how =
    credentials.method === 'v2-password'
      ? { passwordCredentials: { username: credentials.username, password: credentials.password } }
      : credentials.method === 'v2-api-key'
        ? { 'RAX-KSKEY:apiKeyCredentials': { username: credentials.username, apiKey: credentials.apiKey } }
        : { token: { id: credentials.token } };
  const scope = tenant?.id ? { tenantId: tenant.id } : tenant?.name ? { tenantName: tenant.name } : {};
  return { auth: { ...how, ...scope } };
}

/** An endpoint of a v2.0 service catalog: one URL per interface. */
export interface V2CatalogEndpoint {
  region?: string;
  tenantId?: string;
  publicURL?: string;
  internalURL?: string;
  adminURL?: string;
}

export interface V2CatalogEntry {
  type: string;
  name?: string;
  endpoints: V2CatalogEndpoint[];
}

/**
 * A v2.0 serviceCatalog in the v3 shape (one endpoint per interface: publicURL → public, …). Every service of
 * type compute is one entry (Rackspace's catalogs list cloudServersOpenStack and the first-generation
 * cloudServers, both of type compute), so the region decides between them.
 */
export function catalogFromV2(serviceCatalog: readonly V2CatalogEntry[]): CatalogEntry[] {
  const entries: CatalogEntry[] = [];
  for (const service of serviceCatalog) {
    const endpoints = (service.endpoints ?? []).flatMap((e) =>
      (['public', 'internal', 'admin'] as const).flatMap((iface) => {
        const url = e[`${iface}URL`];
        return typeof url === 'string' ? [{ interface: iface, ...(e.region !== undefined ? { region: e.region } : {}), url }] : [];
      }),
    );
    const same = entries.find((x) => x.type === service.type && service.type === 'compute');
    if (same) same.endpoints.push(...endpoints);
    else entries.push({ type: service.type, ...(service.name !== undefined ? { name: service.name } : {}), endpoints });
  }
  return entries;
}

async function issueTokenV2(authUrl: string, credentials: KeystoneV2Credentials, tenant: ProjectRef | undefined, timeoutMs: number): Promise<IssuedToken> {
  const url = v2TokensUrl(authUrl);
  const http = new HttpClient({ token: '', timeoutMs });
  const ex = await http.send('POST', url, { anonymous: true, json: v2AuthRequest(credentials, tenant), replayable: true });
  const status = ex.response.status;
  if (status === 401) throw new ConfigError(credentialVariable(credentials), `Keystone v2.0 rejected the credentials (401): ${describeExchange(ex)}`);
  if (status === 404) throw new ConfigError('OS_AUTH_URL', `is not a Keystone v2.0 endpoint (404 for ${url})`);
  if (status >= 400) throw new ConfigError('OS_AUTH_URL', `Keystone v2.0 refused the authentication request: ${describeExchange(ex)}`);
  const access = (json(ex) as { access?: { token?: { id?: unknown; expires?: string; tenant?: { id?: string } }; serviceCatalog?: V2CatalogEntry[] } } | undefined)?.access;
  const token = access?.token?.id;
  if (typeof token !== 'string' || !token) throw new InfrastructureError(`Keystone v2.0 answered without a token: ${describeExchange(ex)}`);
  registerSecret(token);
  return { token, projectId: access!.token!.tenant?.id, expiresAt: access!.token!.expires, catalog: catalogFromV2(access!.serviceCatalog ?? []) };
}

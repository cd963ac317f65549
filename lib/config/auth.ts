import type { AuthMethod, Interface, KeystoneV2Credentials, KeystoneV3Credentials, ProjectRef, UserRef } from '../auth/types.ts';
import { ConfigError } from '../errors.ts';

type Env = Record<string, string | undefined>;

const INTERFACES: Readonly<Record<string, Interface>> = { public: 'public', publicURL: 'public', internal: 'internal', internalURL: 'internal', admin: 'admin', adminURL: 'admin' };

function value(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

function domain(env: Env, prefix: 'OS_USER_DOMAIN' | 'OS_PROJECT_DOMAIN'): { id?: string; name?: string } | undefined {
  const id = value(env, `${prefix}_ID`);
  const name = value(env, `${prefix}_NAME`);
  return id ? { id } : name ? { name } : undefined;
}

function user(env: Env, why: string): UserRef {
  const id = value(env, 'OS_USER_ID');
  if (id) return { id };
  const name = value(env, 'OS_USERNAME');
  if (!name) throw new ConfigError('OS_USERNAME', `or OS_USER_ID is required ${why}`);
  const d = domain(env, 'OS_USER_DOMAIN');
  if (!d) throw new ConfigError('OS_USER_DOMAIN_NAME', `or OS_USER_DOMAIN_ID is required with OS_USERNAME`);
  return { name, domain: d };
}

function project(env: Env): ProjectRef | undefined {
  const id = value(env, 'OS_PROJECT_ID');
  if (id) return { id };
  const name = value(env, 'OS_PROJECT_NAME');
  if (!name) return undefined;
  const d = domain(env, 'OS_PROJECT_DOMAIN');
  if (!d) throw new ConfigError('OS_PROJECT_DOMAIN_NAME', 'or OS_PROJECT_DOMAIN_ID is required with OS_PROJECT_NAME');
  return { name, domain: d };
}

function credentials(env: Env): KeystoneV3Credentials {
  const secret = value(env, 'OS_APPLICATION_CREDENTIAL_SECRET');
  if (secret) {
    const id = value(env, 'OS_APPLICATION_CREDENTIAL_ID');
    if (id) return { method: 'application_credential', id, secret };
    const name = value(env, 'OS_APPLICATION_CREDENTIAL_NAME');
    if (!name) throw new ConfigError('OS_APPLICATION_CREDENTIAL_ID', 'or OS_APPLICATION_CREDENTIAL_NAME is required with OS_APPLICATION_CREDENTIAL_SECRET');
    return { method: 'application_credential', name, user: user(env, 'with OS_APPLICATION_CREDENTIAL_NAME'), secret };
  }
  const password = value(env, 'OS_PASSWORD');
  if (password) return { method: 'password', user: user(env, 'with OS_PASSWORD'), password };
  const token = value(env, 'OS_TOKEN');
  if (token) return { method: 'token', token };
  throw new ConfigError('OS_PASSWORD', 'no credentials for OS_AUTH_URL: set OS_PASSWORD, OS_APPLICATION_CREDENTIAL_SECRET or OS_TOKEN');
}

/**
 * Which Keystone API OS_AUTH_URL is: v2.0 when it ends in /v2.0 or OS_IDENTITY_API_VERSION is 2 (or 2.0), else v3.
 * A version that contradicts the URL's is a configuration error.
 */
export function identityVersion(env: Env, authUrl: string): 2 | 3 {
  const raw = value(env, 'OS_IDENTITY_API_VERSION');
  const path = authUrl.replace(/\/+$/, '');
  const urlSays = /\/v2\.0$/.test(path) ? 2 : /\/v3$/.test(path) ? 3 : undefined;
  if (raw === undefined) return urlSays ?? 3;
  const version = raw === '2' || raw === '2.0' ? 2 : raw === '3' || raw === '3.0' ? 3 : undefined;
  if (version === undefined) throw new ConfigError('OS_IDENTITY_API_VERSION', `must be 2 (Keystone v2.0) or 3, got '${raw}'`);
  if (urlSays !== undefined && urlSays !== version) throw new ConfigError('OS_IDENTITY_API_VERSION', `is ${raw}, but OS_AUTH_URL '${authUrl}' is a Keystone ${urlSays === 2 ? 'v2.0' : 'v3'} URL`);
  return version;
}

/**
 * Keystone v2.0 credentials: OS_USERNAME with OS_PASSWORD or OS_API_KEY (Rackspace's API key,
 * RAX-KSKEY:apiKeyCredentials), or OS_TOKEN to exchange (with a tenant).
 */
function v2Credentials(env: Env): KeystoneV2Credentials {
  const apiKey = value(env, 'OS_API_KEY');
  const password = value(env, 'OS_PASSWORD');
  if (apiKey && password) throw new ConfigError('OS_API_KEY', 'and OS_PASSWORD are both set: Keystone v2.0 takes one of them');
  if (apiKey || password) {
    const username = value(env, 'OS_USERNAME');
    if (!username) throw new ConfigError('OS_USERNAME', `is required with ${apiKey ? 'OS_API_KEY' : 'OS_PASSWORD'} (Keystone v2.0 names the user; OS_USER_ID is not used)`);
    return apiKey ? { method: 'v2-api-key', username, apiKey } : { method: 'v2-password', username, password: password! };
  }
  const token = value(env, 'OS_TOKEN');
  if (token) return { method: 'v2-token', token };
  throw new ConfigError('OS_PASSWORD', 'no credentials for OS_AUTH_URL (Keystone v2.0): set OS_USERNAME with OS_PASSWORD or OS_API_KEY, or OS_TOKEN');
}

/** The tenant of a Keystone v2.0 token: OS_TENANT_ID or OS_PROJECT_ID, else OS_TENANT_NAME or OS_PROJECT_NAME. */
function tenant(env: Env): ProjectRef | undefined {
  const pick = (tenantVar: string, projectVar: string): string | undefined => {
    const t = value(env, tenantVar);
    const p = value(env, projectVar);
    if (t && p && t !== p) throw new ConfigError(tenantVar, `'${t}' differs from ${projectVar} '${p}'`);
    return t ?? p;
  };
  const id = pick('OS_TENANT_ID', 'OS_PROJECT_ID');
  if (id) return { id };
  const name = pick('OS_TENANT_NAME', 'OS_PROJECT_NAME');
  return name ? { name } : undefined;
}

/**
 * How to authenticate, from OS_* variables (already merged with clouds.yaml): Keystone when OS_AUTH_URL is
 * set (v3: password, application credential or token; v2.0: password, API key or token), else a pre-issued
 * OS_TOKEN used as is.
 */
export function authFrom(env: Env): AuthMethod {
  const authUrl = value(env, 'OS_AUTH_URL');
  if (!authUrl) {
    const token = value(env, 'OS_TOKEN');
    if (!token) throw new ConfigError('OS_TOKEN', 'is not set (a token scoped to the project, sent as X-Auth-Token), and OS_AUTH_URL is not set either');
    return { kind: 'token', token };
  }
  try {
    const u = new URL(authUrl);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
  } catch {
    throw new ConfigError('OS_AUTH_URL', `'${authUrl}' is not an http(s) URL`);
  }
  const rawInterface = value(env, 'OS_INTERFACE') ?? 'public';
  const iface = Object.hasOwn(INTERFACES, rawInterface) ? INTERFACES[rawInterface] : undefined;
  if (!iface) throw new ConfigError('OS_INTERFACE', `must be public, internal or admin, got '${rawInterface}'`);
  const region = value(env, 'OS_REGION_NAME');
  if (identityVersion(env, authUrl) === 2) {
    const creds = v2Credentials(env);
    const scope = tenant(env);
    // a password or API key without a tenant gets the user's default tenant (Rackspace); a token needs one
    if (creds.method === 'v2-token' && !scope) throw new ConfigError('OS_TENANT_ID', 'or OS_TENANT_NAME is required to exchange OS_TOKEN at Keystone v2.0');
    return { kind: 'keystone', authUrl, credentials: creds, interface: iface, ...(scope ? { project: scope } : {}), ...(region ? { region } : {}) };
  }
  const creds = credentials(env);
  const scope = project(env);
  if (creds.method !== 'application_credential' && !scope) throw new ConfigError('OS_PROJECT_ID', 'or OS_PROJECT_NAME is required to scope the token');
  return { kind: 'keystone', authUrl, credentials: creds, interface: iface, ...(scope ? { project: scope } : {}), ...(region ? { region } : {}) };
}

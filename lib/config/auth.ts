import type { AuthMethod, Interface, KeystoneCredentials, ProjectRef, UserRef } from '../auth/types.ts';
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

function credentials(env: Env): KeystoneCredentials {
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
 * How to authenticate, from OS_* variables (already merged with clouds.yaml): Keystone v3 when OS_AUTH_URL is
 * set (password, application credential or token), else a pre-issued OS_TOKEN used as is.
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
  const creds = credentials(env);
  const scope = project(env);
  if (creds.method !== 'application_credential' && !scope) throw new ConfigError('OS_PROJECT_ID', 'or OS_PROJECT_NAME is required to scope the token');
  const region = value(env, 'OS_REGION_NAME');
  return { kind: 'keystone', authUrl, credentials: creds, interface: iface, ...(scope ? { project: scope } : {}), ...(region ? { region } : {}) };
}

import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ConfigError } from '../errors.ts';
import { registerEntrySecrets } from './secrets.ts';

type Env = Record<string, string | undefined>;

/** clouds.yaml `auth` keys and the OS_* variables they stand for. */
const AUTH_KEYS: Readonly<Record<string, string>> = {
  auth_url: 'OS_AUTH_URL',
  username: 'OS_USERNAME',
  user_id: 'OS_USER_ID',
  password: 'OS_PASSWORD',
  project_name: 'OS_PROJECT_NAME',
  tenant_name: 'OS_PROJECT_NAME',
  project_id: 'OS_PROJECT_ID',
  tenant_id: 'OS_PROJECT_ID',
  user_domain_name: 'OS_USER_DOMAIN_NAME',
  user_domain_id: 'OS_USER_DOMAIN_ID',
  project_domain_name: 'OS_PROJECT_DOMAIN_NAME',
  project_domain_id: 'OS_PROJECT_DOMAIN_ID',
  application_credential_id: 'OS_APPLICATION_CREDENTIAL_ID',
  application_credential_name: 'OS_APPLICATION_CREDENTIAL_NAME',
  application_credential_secret: 'OS_APPLICATION_CREDENTIAL_SECRET',
  token: 'OS_TOKEN',
  // Rackspace's rackspaceauth plugin (auth_type rackspace_apikey)
  api_key: 'OS_API_KEY',
};
/** Top-level keys of a cloud entry (openstacksdk's names): region, interface, TLS, and the compute endpoint override. */
const CLOUD_KEYS: Readonly<Record<string, string>> = {
  region_name: 'OS_REGION_NAME',
  interface: 'OS_INTERFACE',
  auth_type: 'OS_AUTH_TYPE',
  identity_api_version: 'OS_IDENTITY_API_VERSION',
  cacert: 'OS_CACERT',
  cert: 'OS_CERT',
  key: 'OS_KEY',
  compute_endpoint_override: 'METACONFORM_COMPUTE_URL',
};

/** Where openstacksdk looks for a file, in order: the explicit variable, the working directory, the user's, the system's. */
export function searchPath(file: 'clouds' | 'secure', env: Env, cwd: string, home = homedir()): string[] {
  const explicit = env[file === 'clouds' ? 'OS_CLIENT_CONFIG_FILE' : 'OS_CLIENT_SECURE_FILE'];
  const dirs = [cwd, join(home, '.config', 'openstack'), '/etc/openstack'];
  return [...(explicit ? [explicit] : []), ...dirs.flatMap((d) => [join(d, `${file}.yaml`), join(d, `${file}.yml`)])];
}

function readCloud(path: string, cloud: string): Record<string, unknown> | undefined {
  let doc: unknown;
  try {
    doc = parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ConfigError('OS_CLOUD', `cannot read ${path}: ${(e as Error).message.split('\n')[0]}`);
  }
  const clouds = (doc as { clouds?: Record<string, unknown> } | null)?.clouds;
  const entry = clouds && Object.hasOwn(clouds, cloud) ? clouds[cloud] : undefined;
  if (!entry || typeof entry !== 'object') return undefined;
  registerEntrySecrets(entry as Record<string, unknown>);
  return entry as Record<string, unknown>;
}

function flatten(entry: Record<string, unknown>): Env {
  const out: Env = {};
  const auth = (entry.auth ?? {}) as Record<string, unknown>;
  for (const [key, variable] of Object.entries(AUTH_KEYS)) if (auth[key] !== undefined) out[variable] = String(auth[key]);
  for (const [key, variable] of Object.entries(CLOUD_KEYS)) if (entry[key] !== undefined) out[variable] = String(entry[key]);
  // verify: false is OS_INSECURE; verify may also name a CA bundle, as in openstacksdk
  if (entry.verify === false || String(entry.verify).toLowerCase() === 'false') out.OS_INSECURE = 'true';
  else if (typeof entry.verify === 'string' && !/^true$/i.test(entry.verify)) out.OS_CACERT ??= entry.verify;
  return out;
}

/**
 * The environment with OS_CLOUD's entry of clouds.yaml (and secure.yaml) filled in underneath it: a variable
 * set in the environment wins over the file. Without OS_CLOUD the environment is returned as is.
 */
export function withCloud(env: Env, cwd: string, home = homedir()): Env {
  const cloud = env.OS_CLOUD?.trim();
  if (!cloud) return env;
  const cloudsFile = searchPath('clouds', env, cwd, home).find((p) => existsSync(p));
  if (!cloudsFile) throw new ConfigError('OS_CLOUD', `is '${cloud}' but no clouds.yaml was found (looked in ${searchPath('clouds', env, cwd, home).join(', ')})`);
  const entry = readCloud(cloudsFile, cloud);
  if (!entry) throw new ConfigError('OS_CLOUD', `cloud '${cloud}' is not in ${cloudsFile}`);
  const secureFile = searchPath('secure', env, cwd, home).find((p) => existsSync(p));
  const secure = secureFile ? readCloud(secureFile, cloud) : undefined;
  const fromFiles = { ...flatten(entry), ...Object.fromEntries(Object.entries(secure ? flatten(secure) : {}).filter(([, v]) => v !== undefined)) };
  const fromEnv = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  return { ...fromFiles, ...fromEnv };
}

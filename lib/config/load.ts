import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { getProfile, type Profile } from '../../profiles/index.ts';
import type { AuthMethod } from '../auth/types.ts';
import { ConfigError } from '../errors.ts';
import { authFrom } from './auth.ts';
import { withCloud } from './clouds.ts';
import { normaliseComputeUrl, type ApiVersion, type ComputeEndpoint } from './endpoint.ts';
import { refuseUserinfo, registerConfiguredSecrets } from './secrets.ts';
import { tlsFrom } from './tls.ts';
import type { TlsSettings } from '../http/connections.ts';
import { VARS } from './variables.ts';

export type { AuthMethod } from '../auth/types.ts';

/** How the run boots its own server when METACONFORM_SERVER_ID is not set. */
export interface BootSettings {
  flavor: string;
  image: string;
  /** A network id, or 'none' (microversion ≥ 2.37). */
  network?: string;
  timeoutSeconds: number;
}

export type TargetConfig =
  | { kind: 'reference'; mutant?: string }
  | {
      kind: 'endpoint';
      /** Absent with Keystone auth: taken from the token's service catalog. */
      endpoint?: ComputeEndpoint;
      /** Absent with Keystone auth when only a project name is given: taken from the token. */
      projectId?: string;
      auth: AuthMethod;
      /** The server to exercise; without one, the run boots its own (`boot`). */
      serverId?: string;
      boot?: BootSettings;
      imageId?: string;
      errorServerId?: string;
      /** Optional fixtures: a never-launched server, and a server of another project. */
      unlaunchedServerId?: string;
      otherProjectServerId?: string;
      /** A second credential of the same project with only the reader role (SM-AUTH-002/004). */
      reader?: AuthMethod;
    };

export interface RunConfig {
  profile: Profile;
  resultsDir: string;
  /** Where run journals live (cli/journal.ts): METACONFORM_STATE_DIR, $XDG_STATE_HOME/metaconform or ~/.local/state/metaconform. */
  stateDir: string;
  /** METACONFORM_BASES: the run is restricted to these of the profile's API bases. */
  bases?: ApiVersion[];
  /** How HTTPS connections are made (OS_CACERT, OS_CERT/OS_KEY, OS_INSECURE). */
  tls?: TlsSettings;
  timeoutMs: number;
  /** Most requests in flight at once against the target. */
  concurrency: number;
  target: TargetConfig;
}

type Env = Record<string, string | undefined>;

const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_TIMEOUT_MS = 600_000;
/** Characters an id may not contain: it becomes one URL path segment. */
const BAD_ID = /[\s/?#%\\]/;

function value(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

function require(env: Env, name: string, why: string): string {
  const v = value(env, name);
  if (v === undefined) throw new ConfigError(name, `is not set (${why})`);
  return v;
}

function checkId(name: string, id: string): string {
  if (BAD_ID.test(id)) throw new ConfigError(name, `'${id}' is not a valid id (no spaces, '/', '?', '#', '%' or '\\')`);
  return id;
}

const DEFAULT_CONCURRENCY = 4;
const MAX_CONCURRENCY = 64;

export function parseConcurrency(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_CONCURRENCY;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_CONCURRENCY) throw new ConfigError(VARS.concurrency, `must be a whole number from 1 to ${MAX_CONCURRENCY}, got '${raw}'`);
  return Number(raw);
}

export function parseTimeout(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_TIMEOUT_MS;
  if (!/^\d+$/.test(raw)) throw new ConfigError(VARS.timeoutMs, `'${raw}' is not a whole number of milliseconds`);
  const n = Number(raw);
  if (n < 1 || n > MAX_TIMEOUT_MS) throw new ConfigError(VARS.timeoutMs, `must be between 1 and ${MAX_TIMEOUT_MS} ms, got ${n}`);
  return n;
}

const DEFAULT_BOOT_TIMEOUT_S = 600;

/** METACONFORM_BASES: some of the profile's API bases, comma-separated ('v2', 'v2.1'). */
function parseBases(raw: string | undefined, profile: Profile): ApiVersion[] | undefined {
  if (raw === undefined) return undefined;
  const bases = [...new Set(raw.split(',').map((b) => b.trim().replace(/^\//, '')).filter(Boolean))];
  const foreign = bases.filter((b) => !(profile.bases as readonly string[]).includes(b));
  if (!bases.length || foreign.length) throw new ConfigError(VARS.bases, `must name some of the ${profile.name} profile's bases (${profile.bases.join(', ')}), got '${raw}'`);
  return profile.bases.filter((b) => bases.includes(b));
}

/** How to boot the run's own server when METACONFORM_SERVER_ID is not set. */
function bootSettings(env: Env): BootSettings {
  const flavor = value(env, VARS.flavor);
  const image = value(env, VARS.bootImage);
  if (!flavor || !image) {
    throw new ConfigError(VARS.serverId, `is not set: name an existing server, or set ${VARS.flavor} and ${VARS.bootImage} (and ${VARS.network}, a network id or 'none') to let the run boot one`);
  }
  const rawTimeout = value(env, VARS.bootTimeout);
  if (rawTimeout !== undefined && (!/^\d+$/.test(rawTimeout) || Number(rawTimeout) < 1)) throw new ConfigError(VARS.bootTimeout, `must be a whole number of seconds, got '${rawTimeout}'`);
  const network = value(env, VARS.network);
  return { flavor, image, ...(network ? { network } : {}), timeoutSeconds: rawTimeout ? Number(rawTimeout) : DEFAULT_BOOT_TIMEOUT_S };
}

/**
 * The reader credential, the OpenStack way: METACONFORM_READER_CLOUD names a clouds.yaml entry (with its
 * secure.yaml part) of the same project with only the reader role; METACONFORM_READER_TOKEN is a pre-issued
 * token of such a user. Neither: the reader behaviours are not applicable.
 */
function readerFrom(env: Env, cwd: string, home: string | undefined): AuthMethod | undefined {
  const token = value(env, VARS.readerToken);
  const cloud = value(env, VARS.readerCloud);
  if (token && cloud) throw new ConfigError(VARS.readerCloud, `and ${VARS.readerToken} are both set: name one reader credential`);
  if (token) return { kind: 'token', token };
  if (!cloud) return undefined;
  const files = Object.fromEntries(['OS_CLIENT_CONFIG_FILE', 'OS_CLIENT_SECURE_FILE'].filter((k) => env[k]).map((k) => [k, env[k]]));
  let readerEnv: Env;
  try {
    readerEnv = withCloud({ ...files, OS_CLOUD: cloud }, cwd, home);
  } catch (e) {
    throw new ConfigError(VARS.readerCloud, (e as Error).message.replace(/^OS_CLOUD: /, ''));
  }
  registerConfiguredSecrets(readerEnv);
  refuseUserinfo(`auth_url of cloud '${cloud}' (clouds.yaml)`, value(readerEnv, 'OS_AUTH_URL'));
  if (!value(readerEnv, 'OS_AUTH_URL')) throw new ConfigError(VARS.readerCloud, `cloud '${cloud}' has no auth_url: the reader logs in at Keystone`);
  try {
    return authFrom(readerEnv);
  } catch (e) {
    throw new ConfigError(VARS.readerCloud, `cloud '${cloud}': ${(e as Error).message}`);
  }
}

/** Which kind of target the environment asks for: explicitly, or by whether any endpoint variable is set. */
export function targetKind(env: Env): 'reference' | 'endpoint' {
  const explicit = value(env, VARS.target);
  if (explicit !== undefined) {
    if (explicit !== 'reference' && explicit !== 'endpoint') throw new ConfigError(VARS.target, `must be 'reference' or 'endpoint', got '${explicit}'`);
    return explicit;
  }
  const endpointVars = [VARS.computeUrl, VARS.token, VARS.serverId, 'OS_AUTH_URL', 'OS_CLOUD'].filter((n) => value(env, n) !== undefined);
  return endpointVars.length ? 'endpoint' : 'reference';
}

/**
 * Reads and checks the whole configuration; every problem is a ConfigError naming its variable. OS_CLOUD's
 * entry of clouds.yaml / secure.yaml fills in OS_* variables the environment does not set.
 */
export function loadConfig(rawEnv: Env, cwd: string = process.cwd(), home?: string): RunConfig {
  registerConfiguredSecrets(rawEnv);
  const env = withCloud(rawEnv, cwd, home);
  registerConfiguredSecrets(env);
  refuseUserinfo(value(rawEnv, 'OS_AUTH_URL') === undefined && value(env, 'OS_AUTH_URL') !== undefined ? `auth_url of cloud '${value(env, 'OS_CLOUD')}' (clouds.yaml)` : 'OS_AUTH_URL', value(env, 'OS_AUTH_URL'));
  refuseUserinfo(VARS.computeUrl, value(env, VARS.computeUrl));
  const profile = getProfile(value(env, VARS.profile));
  const resultsDir = resolve(cwd, value(env, VARS.resultsDir) ?? 'results');
  const stateDir = resolve(cwd, value(env, VARS.stateDir) ?? join(value(env, 'XDG_STATE_HOME') ?? join(homedir(), '.local', 'state'), 'metaconform'));
  const bases = parseBases(value(env, VARS.bases), profile);
  const timeoutMs = parseTimeout(value(env, VARS.timeoutMs));
  const concurrency = parseConcurrency(value(env, VARS.concurrency));
  const mutant = value(env, VARS.referenceMutant);
  if (targetKind(env) === 'reference') {
    return { profile, resultsDir, stateDir, ...(bases ? { bases } : {}), timeoutMs, concurrency, target: mutant ? { kind: 'reference', mutant } : { kind: 'reference' } };
  }
  if (mutant) throw new ConfigError(VARS.referenceMutant, 'applies only to the embedded reference, not to an endpoint');
  const rawUrl = value(env, VARS.computeUrl);
  const keystone = value(env, 'OS_AUTH_URL') !== undefined;
  if (!rawUrl && !keystone) require(env, VARS.computeUrl, 'the compute endpoint, e.g. https://compute.example.com/v2.1, or OS_AUTH_URL / OS_CLOUD to find it in the service catalog');
  const declaredProject = value(env, VARS.projectId);
  const endpoint = rawUrl ? normaliseComputeUrl(rawUrl, declaredProject) : undefined;
  if (declaredProject && endpoint?.projectIdInUrl && declaredProject !== endpoint.projectIdInUrl) {
    throw new ConfigError(VARS.projectId, `'${declaredProject}' differs from the project '${endpoint.projectIdInUrl}' in ${VARS.computeUrl}`);
  }
  const projectId = declaredProject ?? endpoint?.projectIdInUrl;
  if (!projectId && !keystone) throw new ConfigError(VARS.projectId, `is not set and ${VARS.computeUrl} names no project`);
  if (projectId) checkId(VARS.projectId, projectId);
  const auth = authFrom(env);
  const declaredServer = value(env, VARS.serverId);
  const serverId = declaredServer === undefined ? undefined : checkId(VARS.serverId, declaredServer);
  const boot = serverId === undefined ? bootSettings(env) : undefined;
  const imageId = value(env, VARS.imageId);
  if (imageId !== undefined) checkId(VARS.imageId, imageId);
  const optionalId = (name: string) => {
    const id = value(env, name);
    return id === undefined ? undefined : checkId(name, id);
  };
  const errorServerId = optionalId(VARS.errorServerId);
  const unlaunchedServerId = optionalId(VARS.unlaunchedServerId);
  const otherProjectServerId = optionalId(VARS.otherProjectServerId);
  const reader = readerFrom(env, cwd, home);
  const tls = tlsFrom(env);
  return {
    profile,
    resultsDir,
    stateDir,
    ...(bases ? { bases } : {}),
    timeoutMs,
    concurrency,
    ...(tls ? { tls } : {}),
    target: { kind: 'endpoint', ...(endpoint ? { endpoint } : {}), ...(projectId ? { projectId } : {}), auth, ...(serverId ? { serverId } : {}), ...(boot ? { boot } : {}), ...(imageId ? { imageId } : {}), ...(errorServerId ? { errorServerId } : {}), ...(unlaunchedServerId ? { unlaunchedServerId } : {}), ...(otherProjectServerId ? { otherProjectServerId } : {}), ...(reader ? { reader } : {}) },
  };
}

import { resolve } from 'node:path';
import { getProfile, type Profile } from '../../profiles/index.ts';
import { ConfigError } from '../errors.ts';
import { normaliseComputeUrl, type ComputeEndpoint } from './endpoint.ts';
import { KEYSTONE_VARS, VARS } from './variables.ts';

/** How the suite authenticates. Keystone password and application-credential methods slot in here. */
export type AuthMethod = { kind: 'token'; token: string };

export type TargetConfig =
  | { kind: 'reference'; mutant?: string }
  | { kind: 'endpoint'; endpoint: ComputeEndpoint; projectId: string; auth: AuthMethod; serverId: string; imageId?: string; errorServerId?: string };

export interface RunConfig {
  profile: Profile;
  resultsDir: string;
  timeoutMs: number;
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

export function parseTimeout(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_TIMEOUT_MS;
  if (!/^\d+$/.test(raw)) throw new ConfigError(VARS.timeoutMs, `'${raw}' is not a whole number of milliseconds`);
  const n = Number(raw);
  if (n < 1 || n > MAX_TIMEOUT_MS) throw new ConfigError(VARS.timeoutMs, `must be between 1 and ${MAX_TIMEOUT_MS} ms, got ${n}`);
  return n;
}

/** Which kind of target the environment asks for: explicitly, or by whether any endpoint variable is set. */
function targetKind(env: Env): 'reference' | 'endpoint' {
  const explicit = value(env, VARS.target);
  if (explicit !== undefined) {
    if (explicit !== 'reference' && explicit !== 'endpoint') throw new ConfigError(VARS.target, `must be 'reference' or 'endpoint', got '${explicit}'`);
    return explicit;
  }
  const endpointVars = [VARS.computeUrl, VARS.token, VARS.serverId].filter((n) => value(env, n) !== undefined);
  if (endpointVars.length) return 'endpoint';
  const keystone = KEYSTONE_VARS.filter((n) => value(env, n) !== undefined);
  if (keystone.length) {
    throw new ConfigError(
      keystone[0]!,
      `is set, but Keystone authentication is not supported yet: set ${VARS.computeUrl}, ${VARS.token}, ${VARS.projectId} and ${VARS.serverId} to test a cloud, or ${VARS.target}=reference to run against the embedded reference`,
    );
  }
  return 'reference';
}

/** Reads and checks the whole configuration; every problem is a ConfigError naming its variable. */
export function loadConfig(env: Env, cwd: string = process.cwd()): RunConfig {
  const profile = getProfile(value(env, VARS.profile));
  const resultsDir = resolve(cwd, value(env, VARS.resultsDir) ?? 'results');
  const timeoutMs = parseTimeout(value(env, VARS.timeoutMs));
  const mutant = value(env, VARS.referenceMutant);
  if (targetKind(env) === 'reference') {
    return { profile, resultsDir, timeoutMs, target: mutant ? { kind: 'reference', mutant } : { kind: 'reference' } };
  }
  if (mutant) throw new ConfigError(VARS.referenceMutant, 'applies only to the embedded reference, not to an endpoint');
  const rawUrl = require(env, VARS.computeUrl, 'the compute endpoint, e.g. https://compute.example.com/v2.1');
  const declaredProject = value(env, VARS.projectId);
  const endpoint = normaliseComputeUrl(rawUrl, declaredProject);
  if (declaredProject && endpoint.projectIdInUrl && declaredProject !== endpoint.projectIdInUrl) {
    throw new ConfigError(VARS.projectId, `'${declaredProject}' differs from the project '${endpoint.projectIdInUrl}' in ${VARS.computeUrl}`);
  }
  const projectId = declaredProject ?? endpoint.projectIdInUrl;
  if (!projectId) throw new ConfigError(VARS.projectId, `is not set and ${VARS.computeUrl} names no project`);
  checkId(VARS.projectId, projectId);
  const token = require(env, VARS.token, 'a token scoped to the project, sent as X-Auth-Token');
  const serverId = checkId(VARS.serverId, require(env, VARS.serverId, 'the server whose metadata the suite exercises'));
  const imageId = value(env, VARS.imageId);
  if (imageId !== undefined) checkId(VARS.imageId, imageId);
  const errorServerId = value(env, VARS.errorServerId);
  if (errorServerId !== undefined) checkId(VARS.errorServerId, errorServerId);
  return {
    profile,
    resultsDir,
    timeoutMs,
    target: { kind: 'endpoint', endpoint, projectId, auth: { kind: 'token', token }, serverId, ...(imageId ? { imageId } : {}), ...(errorServerId ? { errorServerId } : {}) },
  };
}

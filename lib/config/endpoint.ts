import { ConfigError } from '../errors.ts';

/** The API bases the suite exercises; both are always derived from one endpoint. */
export const API_VERSIONS = ['v2', 'v2.1'] as const;
export type ApiVersion = (typeof API_VERSIONS)[number];

export interface ComputeEndpoint {
  /** Scheme, host, port and any path prefix before the version segment, without a trailing slash. */
  root: string;
  /** Project id found in the URL, if any. */
  projectIdInUrl: string | undefined;
}

const VARIABLE = 'METACONFORM_COMPUTE_URL';
/** Service-catalog placeholders for the project id (Nova, Keystone v2 and v3 styles). */
const PROJECT_PLACEHOLDERS = /%\((?:tenant_id|project_id)\)s|\$\((?:tenant_id|project_id)\)s|\{(?:tenant_id|project_id)\}/g;
const VERSION_SEGMENT = /^v2(?:\.1)?$/;

/**
 * Normalise a compute endpoint as a service catalog gives it: the root (`http://host:8774`, optionally
 * with a path prefix such as `/compute`), a versioned URL (`.../v2.1`) or a versioned URL with the
 * project (`.../v2.1/{project_id}`, `.../v2/{project_id}`), also with catalog placeholders.
 */
export function normaliseComputeUrl(raw: string, projectId?: string): ComputeEndpoint {
  const text = raw.trim();
  if (!text) throw new ConfigError(VARIABLE, 'is empty');
  const substituted = text.replace(PROJECT_PLACEHOLDERS, () => {
    if (!projectId) throw new ConfigError('OS_PROJECT_ID', `is required to fill the project placeholder in ${VARIABLE}`);
    return projectId;
  });
  let url: URL;
  try {
    url = new URL(substituted);
  } catch {
    throw new ConfigError(VARIABLE, `is not a valid URL (expected e.g. http://host:8774 or https://host/compute/v2.1)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(VARIABLE, `must be an http:// or https:// URL, not ${url.protocol}`);
  }
  if (url.username || url.password) {
    throw new ConfigError(VARIABLE, 'must not contain credentials; use OS_TOKEN');
  }
  if (url.search || url.hash) {
    throw new ConfigError(VARIABLE, 'must not contain a query string or fragment');
  }
  const segments = url.pathname.split('/').filter((s) => s.length > 0);
  const versionAt = segments.findIndex((s) => VERSION_SEGMENT.test(s));
  let prefix = segments;
  let projectIdInUrl: string | undefined;
  if (versionAt >= 0) {
    prefix = segments.slice(0, versionAt);
    const rest = segments.slice(versionAt + 1);
    if (rest.length > 1) {
      throw new ConfigError(VARIABLE, `has unexpected path after the project id: /${rest.slice(1).join('/')}`);
    }
    if (rest.length === 1) projectIdInUrl = decodeURIComponent(rest[0]!);
  }
  const path = prefix.length ? `/${prefix.join('/')}` : '';
  return { root: `${url.protocol}//${url.host}${path}`, projectIdInUrl };
}

/** `/v2/{project}` and `/v2.1/{project}` bases for one endpoint and project. */
export function apiBases(endpoint: ComputeEndpoint, projectId: string): Record<ApiVersion, string> {
  const project = encodeURIComponent(projectId);
  return {
    v2: `${endpoint.root}/v2/${project}`,
    'v2.1': `${endpoint.root}/v2.1/${project}`,
  };
}

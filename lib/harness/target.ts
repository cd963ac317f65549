import { registerRenewalSecrets, type Renewal } from '../auth/session.ts';
import type { ApiVersion } from '../config/endpoint.ts';
import type { Served } from './served.ts';
import { adoptConnectionFacts, configureTls, type ConnectionFacts, type TlsSettings } from '../http/connections.ts';
import { importSecrets, registerSecret } from '../http/redact.ts';

/** Environment variable through which the runner hands the resolved target to the test workers. */
export const TARGET_ENV = 'METACONFORM_RESOLVED_TARGET';

/**
 * The target as the tests know it: what the suites need to know about the implementation under test. The runner
 * resolves it (cli/resolve-target.ts) and hands it to the test workers through TARGET_ENV; currentTargets() reads
 * it there.
 */
export interface Target {
  /** Stable name of the target within a run ('target' for an ordinary run; a variant name in a matrix). */
  id: string;
  /** Human description (host, never a token). */
  label: string;
  kind: 'reference' | 'endpoint';
  root: string;
  bases: Record<ApiVersion, string>;
  /** The API bases the run tests, when fewer than the profile's (METACONFORM_BASES); absent means the profile's. */
  apis?: ApiVersion[];
  token: string;
  /** Keystone credentials to renew an expired token (absent for a pre-issued token). */
  renewal?: Renewal;
  projectId: string;
  serverId: string;
  /** More writable servers like serverId (the embedded reference: one per lane; see leases.ts). */
  extraServerIds?: string[];
  /** A server in a vm_state that forbids writes (e.g. ERROR), when one is available. */
  errorServerId?: string;
  /** A server that never launched (launched_at unset), when one is available. */
  unlaunchedServerId?: string;
  /** A server of another project (invisible to the token), when one is available. */
  otherProjectServerId?: string;
  /** A token of the same project with only the reader role, when one is available. */
  readerToken?: string;
  imageId?: string;
  /** More images like imageId (the embedded reference: one per lane). */
  extraImageIds?: string[];
  /**
   * Whether the target refuses requests without a token, as probed before the run (endpoint targets):
   * false for e.g. Nova's noauth2 (401 behaviours cannot be observed); absent when not probed or unclear.
   */
  authEnforced?: boolean;
  profile: string;
  timeoutMs: number;
  /** Most requests in flight at once against this target (METACONFORM_CONCURRENCY). */
  concurrency?: number;
  /** Only tests of these behaviour IDs are declared for this target; absent means all. */
  behaviours?: string[];
  /** A file the lock helper writes while it holds the server locked, so an interrupted run can unlock it. */
  lockMarker?: string;
  /** The metadata operations the target serves, probed by the runner before the tests (absent: assume every documented one). */
  served?: Served;
  /** How HTTPS connections to the target are made (CA bundle, client certificate, verification). */
  tls?: TlsSettings;
  /** What the runner learned about the target's connections (lib/http/connections.ts), so that the tests start from it. */
  connections?: ConnectionFacts;
  /** Record Allure labels, steps and transcripts (off for quiet matrix runs). Default true. */
  record?: boolean;
}

let cached: Target[] | undefined;

/** The targets of this run, as the runner resolved them: one, or several in a mutant matrix. */
export function currentTargets(): Target[] {
  if (cached) return cached;
  const raw = process.env[TARGET_ENV];
  if (!raw) {
    throw new Error(`${TARGET_ENV} is not set: run the suites through 'metaconform run' (npm run conformance), not vitest directly`);
  }
  cached = JSON.parse(raw) as Target[];
  importSecrets();
  for (const t of cached) {
    configureTls(t.tls);
    adoptConnectionFacts(t.root, t.connections);
    registerSecret(t.token);
    registerRenewalSecrets(t.renewal);
    registerSecret(t.readerToken);
  }
  return cached;
}

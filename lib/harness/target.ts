import type { ApiVersion } from '../config/endpoint.ts';
import { registerSecret } from '../http/redact.ts';

/** Environment variable through which the runner hands the resolved target to the test workers. */
export const TARGET_ENV = 'METACONFORM_RESOLVED_TARGET';

/** What the suites need to know about the implementation under test. */
export interface Target {
  /** Human description (host, never a token). */
  label: string;
  kind: 'reference' | 'endpoint';
  root: string;
  bases: Record<ApiVersion, string>;
  token: string;
  projectId: string;
  serverId: string;
  /** A server in a vm_state that forbids writes (e.g. ERROR), when one is available. */
  errorServerId?: string;
  /** A server that never launched (launched_at unset), when one is available. */
  unlaunchedServerId?: string;
  /** A server of another project (invisible to the token), when one is available. */
  otherProjectServerId?: string;
  /** A token of the same project with only the reader role, when one is available. */
  readerToken?: string;
  imageId?: string;
  profile: string;
  timeoutMs: number;
}

let cached: Target | undefined;

/** The target of this run, as the runner resolved it. */
export function currentTarget(): Target {
  if (cached) return cached;
  const raw = process.env[TARGET_ENV];
  if (!raw) {
    throw new Error(`${TARGET_ENV} is not set: run the suites through 'metaconform run' (npm run conformance), not vitest directly`);
  }
  cached = JSON.parse(raw) as Target;
  registerSecret(cached.token);
  registerSecret(cached.readerToken);
  return cached;
}

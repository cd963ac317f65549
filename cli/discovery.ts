import type { Target } from '../lib/harness/target.ts';
import { HttpClient } from '../lib/http/client.ts';
import { json } from '../lib/http/exchange.ts';

/** What the target says about itself in its /v2.1 version document. */
export interface TargetFacts {
  minMicroversion?: string;
  maxMicroversion?: string;
}

/** Reads GET {root}/v2.1/ (version.min_version / version.version); facts it cannot read stay unknown. */
export async function discoverFacts(target: Pick<Target, 'root' | 'token' | 'timeoutMs'>): Promise<TargetFacts> {
  try {
    const ex = await new HttpClient({ token: target.token, timeoutMs: target.timeoutMs }).send('GET', `${target.root}/v2.1/`);
    const version = (json(ex) as { version?: { version?: string; min_version?: string } } | undefined)?.version;
    return { ...(version?.min_version ? { minMicroversion: version.min_version } : {}), ...(version?.version ? { maxMicroversion: version.version } : {}) };
  } catch {
    return {};
  }
}

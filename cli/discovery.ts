import { readVersionDocument } from '../lib/harness/microversions.ts';
import type { Target } from '../lib/harness/target.ts';
import { HttpClient } from '../lib/http/client.ts';

/** What the target says about itself in its /v2.1 version document. */
export interface TargetFacts {
  minMicroversion?: string;
  maxMicroversion?: string;
}

/** Reads GET {root}/v2.1/ (lib/harness/microversions.ts reads the document); facts it cannot read stay unknown. */
export async function discoverFacts(target: Pick<Target, 'root' | 'token' | 'timeoutMs'>): Promise<TargetFacts> {
  try {
    const ex = await new HttpClient({ token: target.token, timeoutMs: target.timeoutMs }).send('GET', `${target.root}/v2.1/`);
    const { minVersion, version } = readVersionDocument(ex);
    return { ...(minVersion ? { minMicroversion: minVersion } : {}), ...(version ? { maxMicroversion: version } : {}) };
  } catch {
    return {};
  }
}

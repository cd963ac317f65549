/** `npm run differential`: the differential against the embedded reference, or against the endpoint the environment names. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { config as loadDotenv } from 'dotenv';
import { openSession } from '../lib/auth/session.ts';
import { loadConfig } from '../lib/config/load.ts';
import { exitForError } from '../cli/exit.ts';
import { guardConsole, scrubOnExit } from '../cli/safety.ts';
import { ensureResultsDir } from '../cli/usage.ts';
import { ConfigError, EXIT } from '../lib/errors.ts';
import { redactText } from '../lib/http/redact.ts';
import { formatReport, hasUnexplained, loadCases, runDifferential, startEmbeddedForDifferential, type DiffTarget } from './run.ts';

export const RESULT_FILE = 'differential.json';

export async function main(): Promise<number> {
  guardConsole();
  try {
    loadDotenv({ quiet: true });
    const config = loadConfig(process.env);
    ensureResultsDir(config.resultsDir);
    scrubOnExit(config.resultsDir);
    const cases = loadCases();
    let target: DiffTarget;
    let close: (() => Promise<void>) | undefined;
    if (config.target.kind === 'endpoint') {
      const t = config.target;
      if (!t.serverId) throw new ConfigError('METACONFORM_SERVER_ID', 'is required for the differential (it does not boot servers)');
      const session = await openSession(t, config.timeoutMs);
      target = {
        label: new URL(session.endpoint.root).host,
        kind: 'endpoint',
        root: session.endpoint.root,
        token: session.token,
        projectId: session.projectId,
        serverId: t.serverId,
        ...(t.errorServerId ? { errorServerId: t.errorServerId } : {}),
        ...(t.imageId ? { imageId: t.imageId } : {}),
        timeoutMs: config.timeoutMs,
      };
    } else {
      if (config.target.mutant) throw new ConfigError('METACONFORM_REFERENCE_MUTANT', 'the differential compares the correct reference with Nova; mutants are not supported');
      const embedded = await startEmbeddedForDifferential({ timeoutMs: config.timeoutMs });
      target = embedded.target;
      close = () => embedded.reference.close();
    }
    try {
      const report = await runDifferential(target, cases);
      console.log(formatReport(report));
      writeFileSync(join(config.resultsDir, RESULT_FILE), redactText(`${JSON.stringify(report, null, 2)}\n`));
      return hasUnexplained(report) ? EXIT.NON_CONFORMANT : EXIT.CONFORMANT;
    } finally {
      await close?.();
    }
  } catch (e) {
    return exitForError('differential', e);
  }
}

import { ConfigError, EXIT, InfrastructureError } from '../lib/errors.ts';
import { redactText } from '../lib/http/redact.ts';

/** Prints one clear line for an error that ended a command and returns its exit status (never a stack trace for ours). */
export function exitForError(command: string, e: unknown): number {
  if (e instanceof ConfigError) {
    console.error(`${command}: configuration error: ${redactText(e.message)}`);
    return EXIT.USAGE;
  }
  if (e instanceof InfrastructureError) {
    console.error(`${command}: no verdict: ${redactText(e.message)}`);
    return EXIT.NO_VERDICT;
  }
  console.error(`${command}: internal error: ${redactText((e as Error)?.stack ?? String(e))}`);
  return EXIT.NO_VERDICT;
}

/** Exit statuses of `metaconform run` (one place; README documents them). */
export const EXIT = {
  /** Every applicable behaviour passed. */
  CONFORMANT: 0,
  /** At least one non-conformance. */
  NON_CONFORMANT: 1,
  /** Configuration or usage error. */
  USAGE: 2,
  /** The target could not be reached or gave no verdict (network, TLS, timeout, 5xx). */
  NO_VERDICT: 3,
} as const;

/** Bad configuration or usage; the message names the variable or argument at fault. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
  }
}

/**
 * The target could not be reached or answered in a way that gives no verdict.
 * Never an assertion error: Allure shows it as "broken" and the summary as "error", not "failed".
 */
export class InfrastructureError extends Error {
  override readonly name = 'InfrastructureError';
}

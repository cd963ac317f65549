/** Arranging a test's starting state failed: the behaviour under test got no verdict. */
export class PreconditionError extends Error {
  override readonly name = 'PreconditionError';
}

/**
 * The state a test must observe could not be read reliably (the read operations are missing, answer no map,
 * or contradict each other): the behaviour under test gets no verdict, the read operation's own behaviours
 * judge the read.
 */
export class ObservationError extends Error {
  override readonly name = 'ObservationError';
}

/** Error names that mean "no verdict" rather than "non-conformant". */
export const NO_VERDICT_ERRORS: ReadonlySet<string> = new Set(['InfrastructureError', 'PreconditionError', 'ObservationError']);

/** Arranging a test's starting state failed: the behaviour under test got no verdict. */
export class PreconditionError extends Error {
  override readonly name = 'PreconditionError';
}

/** Error names that mean "no verdict" rather than "non-conformant". */
export const NO_VERDICT_ERRORS: ReadonlySet<string> = new Set(['InfrastructureError', 'PreconditionError']);

export { FAULT_NAMES, faultName } from '../lib/protocol.ts';

/** An error the API app answers with the Nova envelope. */
export class Fault extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

import type { Profile } from '../../profiles/index.ts';
import { correctImplementation, type Implementation } from '../implementation.ts';
import { accessMutants } from './access.ts';
import { coreMutants } from './core.ts';
import { imageMutants } from './image.ts';
import { levelsMutants } from './levels.ts';
import { protocolMutants } from './protocol.ts';
import { requestsMutants } from './requests.ts';
import { SEQUENCE_MUTANTS, withSequenceMutant } from './sequences.ts';
import type { Mutant } from './types.ts';

export type { Mutant } from './types.ts';
export { SEQUENCE_MUTANTS, type SequenceMutant } from './sequences.ts';

/** The catalogue of fault-injected variants of the reference, by name (one file per behaviour family). */
export const MUTANTS: Readonly<Record<string, Mutant>> = { ...coreMutants, ...requestsMutants, ...accessMutants, ...protocolMutants, ...imageMutants, ...levelsMutants };

/**
 * The reference's implementation under a profile, with a mutant injected when one is named: one of MUTANTS, or
 * one of SEQUENCE_MUTANTS (faults only a sequence exposes, kept out of MUTANTS and the kill matrix on purpose:
 * the conformance suites miss them by design, `metaconform explore` catches them; see ./sequences.ts).
 */
export function implementationFor(profile: Profile, mutant?: string): Implementation {
  const correct = correctImplementation(profile);
  if (!mutant) return correct;
  if (Object.hasOwn(SEQUENCE_MUTANTS, mutant)) return withSequenceMutant(correct, SEQUENCE_MUTANTS[mutant]!);
  const m = Object.hasOwn(MUTANTS, mutant) ? MUTANTS[mutant] : undefined;
  if (!m) throw new Error(`unknown mutant '${mutant}' (known: ${[...Object.keys(MUTANTS), ...Object.keys(SEQUENCE_MUTANTS)].join(', ')})`);
  return { ...correct, ...m.patch(correct) };
}

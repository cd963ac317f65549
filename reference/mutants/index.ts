import type { Profile } from '../../profiles/index.ts';
import { correctImplementation, type Implementation } from '../implementation.ts';
import { accessMutants } from './access.ts';
import { coreMutants } from './core.ts';
import { imageMutants } from './image.ts';
import { levelsMutants } from './levels.ts';
import { protocolMutants } from './protocol.ts';
import { requestsMutants } from './requests.ts';
import type { Mutant } from './types.ts';

export type { Mutant } from './types.ts';

/** The catalogue of fault-injected variants of the reference, by name (one file per behaviour family). */
export const MUTANTS: Readonly<Record<string, Mutant>> = { ...coreMutants, ...requestsMutants, ...accessMutants, ...protocolMutants, ...imageMutants, ...levelsMutants };

/** The reference's implementation under a profile, with a mutant injected when one is named. */
export function implementationFor(profile: Profile, mutant?: string): Implementation {
  const correct = correctImplementation(profile);
  if (!mutant) return correct;
  const m = MUTANTS[mutant];
  if (!m) throw new Error(`unknown mutant '${mutant}' (known: ${Object.keys(MUTANTS).join(', ')})`);
  return { ...correct, ...m.patch(correct) };
}

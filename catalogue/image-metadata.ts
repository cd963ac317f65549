import type { Behaviour } from './types.ts';

/** Behaviours of the image-metadata proxy (IM-*). */
export const imageMetadata: readonly Behaviour[] = [];

/**
 * required: a failure makes the run non-conformant (exit 1).
 * advisory: checked and reported, never fails the run.
 * informational: recorded only (implementation-defined behaviour).
 */
export type Level = 'required' | 'advisory' | 'informational';

export type Epic = 'Server metadata' | 'Image metadata' | 'Protocol';

export interface Behaviour {
  /** Stable ID: `<area>-<family>-<number>`; the family (`SM-KEY`) groups the behaviours of one rule set. */
  id: string;
  /** One-line MUST statement. */
  rule: string;
  /**
   * Where the rule comes from, each a link a reader can follow then what to read there (catalogue/sources.ts):
   * Nova's code at its release tag, a Tempest test by id, a vendor's public page, or Nova's recorded answers
   * (differential/cases.json case ids).
   */
  source: readonly string[];
  epic: Epic;
  /** The operation or area, shown as the Allure feature. */
  feature: string;
  level: Level;
  tags: readonly string[];
  /** Profiles the behaviour applies to; absent means every profile. */
  profiles?: readonly string[];
}

/**
 * required: a failure makes the run non-conformant (exit 1).
 * advisory: checked and reported, never fails the run.
 * informational: recorded only (implementation-defined behaviour).
 */
export type Level = 'required' | 'advisory' | 'informational';

export type Epic = 'Server metadata' | 'Image metadata' | 'Protocol';

export interface Behaviour {
  /** Stable ID, the same as ../shared/spec/behaviours.md where one exists there. */
  id: string;
  /** One-line MUST statement. */
  rule: string;
  /** Seed file, upstream Nova `file:function`, Tempest test or vendor document. */
  source: readonly string[];
  epic: Epic;
  /** The operation or area, shown as the Allure feature. */
  feature: string;
  level: Level;
  tags: readonly string[];
  /** Profiles the behaviour applies to; absent means every profile. */
  profiles?: readonly string[];
}

import type { TestCase, TestModule, TestSuite } from 'vitest/node';

/**
 * The suite file a test comes from. suites/index.ts loads every suite file into a top-level block named
 * after the file (relative to the package), so that block, not the module, names it.
 */
export function suiteFileOf(test: TestCase): string {
  let node: TestCase | TestSuite = test;
  while (node.parent.type === 'suite') node = node.parent;
  return node.type === 'suite' ? node.name : node.module.relativeModuleId;
}

/** Whether a block is a suite file's block (see suiteFileOf). */
export function isSuiteFileBlock(suite: TestSuite): boolean {
  return suite.parent.type === 'module';
}

/** Load errors and block errors of a module, each with the file or block it belongs to. */
export function moduleProblems(mod: TestModule): string[] {
  const problems = mod.errors().map((e) => `${mod.relativeModuleId}: ${e.message}`);
  for (const suite of mod.children.allSuites()) for (const e of suite.errors()) problems.push(`${suite.fullName}: ${e.message}`);
  return problems;
}

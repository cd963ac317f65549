import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EXIT } from '../lib/errors.ts';
import { PACKAGE_ROOT, RESULT_FILES } from './paths.ts';

export const REPORT_DIR = 'allure-report';
/** Allure's own history of earlier reports (trend charts), kept across runs like history.jsonl. */
export const ALLURE_HISTORY = 'allure-history.jsonl';

/** The analytics tag Allure 3 embeds in every report (upstream allure3 issue #476), and its inline config. */
const ANALYTICS = /<script[^>]*\bsrc="https?:\/\/[^"]*googletagmanager[^"]*"[^>]*><\/script>\s*<script>[^<]*?\bgtag\([^<]*<\/script>/g;
/** Any script or stylesheet the page would fetch from another host. */
const EXTERNAL_RESOURCE = /<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)="(?:https?:)?\/\/[^"]*"/i;

/** The folder of an installed package (its exports hide package.json, so walk up from its entry point). */
function packageDir(name: string): string {
  let dir = dirname(createRequire(import.meta.url).resolve(name));
  while (dir !== dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === name) return dir;
    dir = dirname(dir);
  }
  throw new Error(`cannot find the installed '${name}' package`);
}

/** Removes the report's outbound analytics; refuses to leave a report that would still call out. */
export function stripAnalytics(html: string): string {
  const out = html.replace(ANALYTICS, '');
  const external = EXTERNAL_RESOURCE.exec(out);
  if (external || /googletagmanager|gtag\(/.test(out)) {
    throw new Error(`the generated report still references an external resource (${external?.[0] ?? 'gtag'}); not publishing it`);
  }
  return out;
}

/** Builds results/allure-report/index.html (one self-contained file, no outbound request) from results/allure-results. */
export async function generateReport(resultsDir: string, log: (line: string) => void = (l) => console.log(l)): Promise<number> {
  const input = join(resultsDir, RESULT_FILES.allure);
  if (!existsSync(input)) {
    console.error(`metaconform: no Allure results in ${input}; run 'npm run conformance' first`);
    return EXIT.USAGE;
  }
  const output = join(resultsDir, REPORT_DIR);
  const cli = join(packageDir('allure'), 'cli.js');
  // the project's allurerc.mjs, plus a history file kept in the results folder so trends fill over nightly runs
  const config = join(resultsDir, 'allurerc.generated.mjs');
  writeFileSync(config, `import base from ${JSON.stringify(pathToFileURL(join(PACKAGE_ROOT, 'allurerc.mjs')).href)};\nexport default { ...base, historyPath: ${JSON.stringify(join(resultsDir, ALLURE_HISTORY))} };\n`);
  const run = spawnSync(process.execPath, [cli, 'generate', '--config', config, '-o', output, input], { encoding: 'utf8' });
  if (run.status !== 0) {
    console.error(`metaconform: allure generate failed (${run.status}): ${run.stderr || run.stdout}`);
    return EXIT.NO_VERDICT;
  }
  // one self-contained page per plugin (awesome/: the report, dashboard/: trends) and a summary page linking them
  const pages = [join(output, 'index.html'), ...['awesome', 'dashboard'].map((plugin) => join(output, plugin, 'index.html'))].filter((p) => existsSync(p));
  if (!pages.length) {
    console.error(`metaconform: allure generate wrote no page in ${output}`);
    return EXIT.NO_VERDICT;
  }
  for (const page of pages) writeFileSync(page, stripAnalytics(readFileSync(page, 'utf8')));
  log(`metaconform: report written to ${pages.join(', ')} (self-contained, open offline)`);
  return EXIT.CONFORMANT;
}

import { redactText } from '../lib/http/redact.ts';
import TestLinesReporter from '../reporters/test-lines-reporter.ts';

/**
 * What the commands print, and how: the verbosity (--quiet, --verbose) and colour (on a terminal only).
 *
 * - quiet: the summary lines, warnings and errors; no progress line, no header, no notes.
 * - normal: as before these options existed: a header, the notes, one progress line per suite file, the summary.
 * - verbose: normal, plus every test as it finishes with its note (why it is not applicable, what failed).
 *
 * Colour is for a person at a terminal, never for a CI log or a file: on when the stream is a TTY, unless
 * NO_COLOR is set (non-empty), CI is set, TERM is dumb or --no-color is given; FORCE_COLOR forces it on
 * (FORCE_COLOR=0 or false forces it off). Files are written apart and never carry colour.
 */

export type Verbosity = 'quiet' | 'normal' | 'verbose';

interface OutputSettings {
  verbosity: Verbosity;
  /** false: --no-color given. */
  colour: boolean;
}

const settings: OutputSettings = { verbosity: 'normal', colour: true };

/** Set once by the command line (cli/main.ts) before a command runs. */
export function configureOutput(next: Partial<OutputSettings>): void {
  Object.assign(settings, next);
}

export function verbosity(): Verbosity {
  return settings.verbosity;
}

/** The flags that give a child process (a target of a multi-target run) this process's verbosity and colour. */
export function outputFlags(): string[] {
  return [...(settings.verbosity === 'quiet' ? ['--quiet'] : settings.verbosity === 'verbose' ? ['--verbose'] : []), ...(settings.colour ? [] : ['--no-color'])];
}

type Env = Record<string, string | undefined>;

/** Whether to colour what goes to a stream (see the module comment for the rules). */
export function colourWanted(stream: { isTTY?: boolean }, env: Env = process.env, flag = settings.colour): boolean {
  if (!flag) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.CI !== undefined) return false;
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

const SGR = { red: 31, green: 32, yellow: 33, bold: 1, dim: 2 } as const;
export type Style = keyof typeof SGR;

/** Wraps text in an ANSI style when colour is wanted on stdout. */
export function paint(text: string, ...styles: Style[]): string {
  if (!styles.length || !colourWanted(process.stdout)) return text;
  return `${styles.map((s) => `\u001b[${SGR[s]}m`).join('')}${text}\u001b[0m`;
}

/** The words of a run's output that deserve a colour, each with its style (the first match of a line wins per word). */
const HIGHLIGHTS: readonly [RegExp, Style[]][] = [
  [/verdict: CONFORMANT\b.*/, ['green', 'bold']],
  [/verdict: (?:NON-CONFORMANT|STALE EXPECTATIONS)\b.*/, ['red', 'bold']],
  [/verdict: NO VERDICT\b.*/, ['yellow', 'bold']],
  [/\b[1-9]\d* (?:FAILED|failed)\b|^ {2}FAILED\b|\bCLEANUP FAILED\b|^failed behaviour IDs:.*/, ['red', 'bold']],
  [/!!! WARNING\b|^ {2}WARNING\b|\bNOT TESTED\b|^ {2}(?:ERROR|ADV-NV|ADVISORY|STALE|PROBLEM)\b|\b[1-9]\d* no verdict\b/, ['yellow']],
  [/^ {2}(?:N\/A|UNTESTED|OBSERVED|KNOWN)\b/, ['dim']],
];

/** One line of output with its key words coloured (when colour is wanted). */
export function highlight(line: string): string {
  if (!colourWanted(process.stdout)) return line;
  return line
    .split('\n')
    .map((l) => {
      for (const [pattern, styles] of HIGHLIGHTS) {
        const m = pattern.exec(l);
        if (m) return `${l.slice(0, m.index)}${paint(m[0], ...styles)}${l.slice(m.index + m[0].length)}`;
      }
      return l;
    })
    .join('\n');
}

/** A progress line of the run (reporters/progress-reporter.ts). */
const PROGRESS = /^\[\s*\d+\/\d+ behaviours,/;
/** A line of the run's own chatter that quiet still shows: warnings, failures, signals. */
const LOUD = /!!!|WARNING|FAILED|NOT TESTED|\bSIG(?:INT|TERM)\b|\berror:/i;

/** Whether quiet output keeps a line the run logs: the summary, warnings and errors; not progress, header or notes. */
export function keptWhenQuiet(line: string): boolean {
  if (PROGRESS.test(line)) return false;
  if (line.startsWith('metaconform: ') && !line.includes('\n')) return LOUD.test(line);
  return true;
}

/** The log function of a run (cli/run.ts prints through it): filtered by the verbosity, masked, coloured on a terminal. */
export function runLog(write: (line: string) => void = (l) => console.log(l)): (line: string) => void {
  return (line) => {
    if (settings.verbosity === 'quiet' && !keptWhenQuiet(line)) return;
    write(highlight(redactText(line)));
  };
}

/** Prints a line unless quiet (for the commands' own chatter). */
export function info(line: string): void {
  if (settings.verbosity !== 'quiet') console.log(highlight(line));
}

/** The reporters the verbosity adds to a run (verbose: a line for every test as it finishes). */
export function verbosityReporters(log: (line: string) => void): unknown[] {
  return settings.verbosity === 'verbose' ? [new TestLinesReporter(log)] : [];
}

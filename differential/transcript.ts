/** Reading the ground-truth markdown: sections, cases, curl command lines and raw HTTP responses. */

export interface RawResponse {
  status: number;
  headers: [string, string][];
  body: string;
}

export interface RawExchange {
  curl: string;
  response: RawResponse;
}

export interface RawBaseBlock {
  base: 'v2.1' | 'v2';
  exchange: RawExchange;
  followUp?: RawExchange;
}

export interface RawCase {
  id: string;
  title: string;
  section: string;
  /** Lines between the case heading and its first base block (explanations). */
  preamble: string[];
  blocks: RawBaseBlock[];
}

/** Splits the transcript into cases (### headings) with their v2.1 / v2 blocks and follow-up reads. */
export function parseTranscript(markdown: string): RawCase[] {
  const lines = markdown.split('\n');
  const cases: RawCase[] = [];
  let section = '';
  let current: RawCase | undefined;
  let block: RawBaseBlock | undefined;
  let pendingBase: 'v2.1' | 'v2' | undefined;
  let followUpNext = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const sectionMatch = /^## ([A-Z])\. (.*)$/.exec(line);
    if (sectionMatch) {
      section = `${sectionMatch[1]}. ${sectionMatch[2]}`;
      current = undefined;
      continue;
    }
    if (line.startsWith('## ')) {
      current = undefined;
      continue;
    }
    const caseMatch = /^### ([A-Z]\d+[a-z]?)\. (.*)$/.exec(line);
    if (caseMatch) {
      current = { id: caseMatch[1]!, title: caseMatch[2]!, section, preamble: [], blocks: [] };
      cases.push(current);
      block = undefined;
      continue;
    }
    if (!current) continue;
    const baseMatch = /^\*\*(v2\.1|v2)\*\* →/.exec(line);
    if (baseMatch) {
      pendingBase = baseMatch[1] as 'v2.1' | 'v2';
      block = undefined;
      followUpNext = false;
      continue;
    }
    if (line.trim() === 'follow-up read:') {
      followUpNext = true;
      continue;
    }
    if (line.trim() === '```') {
      const body: string[] = [];
      i++;
      while (i < lines.length && lines[i]!.trim() !== '```') body.push(lines[i++]!);
      const exchange = parseExchange(body, `${current.id}`);
      if (followUpNext) {
        if (!block) throw new Error(`${current.id}: follow-up read without a case exchange`);
        block.followUp = exchange;
        followUpNext = false;
      } else {
        if (!pendingBase) throw new Error(`${current.id}: exchange outside a **v2.1**/**v2** block`);
        block = { base: pendingBase, exchange };
        current.blocks.push(block);
        pendingBase = undefined;
      }
      continue;
    }
    if (!current.blocks.length && !pendingBase && line.trim()) current.preamble.push(line.trim());
  }
  return cases;
}

function parseExchange(lines: string[], where: string): RawExchange {
  const curl = lines[0];
  if (!curl?.startsWith('$ curl ')) throw new Error(`${where}: code block does not start with a curl command`);
  const statusLine = lines[1] ?? '';
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (!status) throw new Error(`${where}: no status line after the curl command`);
  const headers: [string, string][] = [];
  let i = 2;
  for (; i < lines.length && lines[i]!.trim() !== ''; i++) {
    const h = /^([^:]+):\s?(.*)$/.exec(lines[i]!);
    if (!h) throw new Error(`${where}: bad header line '${lines[i]}'`);
    headers.push([h[1]!, h[2]!]);
  }
  const body = lines.slice(i + 1).join('\n').replace(/\n+$/, '');
  return { curl: curl.slice(2), response: { status: Number(status[1]), headers, body } };
}

/** Splits a command line into words the way a POSIX shell does (quotes and backslashes; no expansions). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated quote in: ${line}`);
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let text = '';
      for (i++; i < line.length && line[i] !== '"'; i++) {
        if (line[i] === '\\' && '"\\$`'.includes(line[i + 1] ?? '')) i++;
        text += line[i];
      }
      word = (word ?? '') + text;
    } else if (c === '\\') {
      word = (word ?? '') + (line[++i] ?? '');
    } else if (c === ' ' || c === '\t') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

export interface CurlRequest {
  method: string;
  url: string;
  /** Header lines in order; `Name:` with nothing after it removes a header (curl semantics). */
  headers: [string, string][];
  body?: string;
}

/** The request a `curl -si -X M URL -H ... --data-binary ...` line sends. */
export function parseCurl(command: string): CurlRequest {
  const words = shellWords(command);
  if (words[0] !== 'curl') throw new Error(`not a curl command: ${command}`);
  let method: string | undefined;
  let url: string | undefined;
  const headers: [string, string][] = [];
  let body: string | undefined;
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    if (w === '-si' || w === '-s' || w === '-i') continue;
    if (w === '-X') method = words[++i];
    else if (w === '-H') {
      const h = words[++i]!;
      const colon = h.indexOf(':');
      headers.push([h.slice(0, colon).trim(), h.slice(colon + 1).trim()]);
    } else if (w === '--data-binary') body = words[++i] ?? '';
    else if (!w.startsWith('-') && url === undefined) url = w;
    else throw new Error(`unexpected curl argument '${w}' in: ${command}`);
  }
  if (!url) throw new Error(`no URL in: ${command}`);
  return { method: method ?? (body !== undefined ? 'POST' : 'GET'), url, headers, ...(body !== undefined ? { body } : {}) };
}

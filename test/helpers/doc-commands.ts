/**
 * Finds every `zone-eval <subcommand> --option` a Markdown file shows, so a test can hold the docs to the CLI.
 * Only code counts (fenced blocks and inline code spans): prose says "zone-eval runs an evaluation" without meaning
 * a command. `npm run demo -- ...` and `npm run bench -- ...` are the `demo` and `bench` subcommands.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The repository's root. */
export const ROOT = join(__dirname, '..', '..');

/** The documents held to the code: README.md and every docs/*.md, as paths from the root. */
export const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** One command as written in a document: its subcommand and the options written after it. */
export type DocCommand = { file: string; line: number; command: string; options: string[]; text: string };

const FENCE = /^\s*(```|~~~)/;
// `zone-eval` as a word (not `zone-eval-prod`, `zone-eval@`, `zone-eval/dev/...`), then a subcommand. A subcommand
// followed by a colon is a quoted message (`zone-eval score: unknown option --fromat`), not a command.
const INVOCATION =
  /(?<![\w@/.-])(?:zone-eval|npm run(?= (?:demo|bench)\b))\s+([a-z][a-z-]*)(?![\w:-])(?:\s+--(?=\s))?/g;
const OPTION = /(?<![\w-])(--[a-z][a-z0-9-]*|-h)(?![\w-])/g;

/** The commands of one code text (a span or a block), with the 1-based line each starts on. */
function commandsIn(code: string, file: string, firstLine: number): DocCommand[] {
  const found: DocCommand[] = [];
  const starts = [...code.matchAll(INVOCATION)];
  starts.forEach((m, k) => {
    const start = m.index ?? 0;
    const end = starts[k + 1]?.index ?? code.length;
    const tail = code.slice(start + m[0].length, end);
    const line = firstLine + (code.slice(0, start).match(/\n/g)?.length ?? 0);
    found.push({
      file,
      line,
      command: m[1] ?? '',
      options: [...tail.matchAll(OPTION)].map((o) => o[1] ?? ''),
      text: code.slice(start, end).trim().split('\n')[0] ?? '',
    });
  });
  return found;
}

/**
 * A code block's lines grouped into commands: a line that starts a command, and the indented lines after it that
 * continue its synopsis (`    [--format table|json]`). Shell comments (`# ...`) are left out.
 */
function blockCommands(lines: string[], file: string, firstLine: number): DocCommand[] {
  const found: DocCommand[] = [];
  let current: DocCommand | null = null;
  lines.forEach((raw, i) => {
    const text = raw.replace(/(^|\s)#(?!!).*$/, '');
    const here = commandsIn(text, file, firstLine + i);
    if (here.length) {
      found.push(...here);
      current = here.at(-1) ?? null;
      return;
    }
    const continued = /^\s+(\[|--)/.test(text) && current !== null;
    if (continued) (current as DocCommand).options.push(...[...text.matchAll(OPTION)].map((o) => o[1] ?? ''));
    else current = null;
  });
  return found;
}

/** Every command a Markdown text shows in its code. */
export function docCommands(markdown: string, file: string): DocCommand[] {
  const lines = markdown.split('\n');
  const found: DocCommand[] = [];
  let prose: { text: string[]; first: number } = { text: [], first: 1 };
  const flushProse = () => {
    const text = prose.text.join('\n');
    for (const span of text.matchAll(/(`+)([^`][\s\S]*?)\1/g)) {
      const before = text.slice(0, span.index ?? 0);
      found.push(...commandsIn(span[2] ?? '', file, prose.first + (before.match(/\n/g)?.length ?? 0)));
    }
  };
  for (let i = 0; i < lines.length; i++) {
    if (!FENCE.test(lines[i] ?? '')) {
      if (prose.text.length === 0) prose.first = i + 1;
      prose.text.push(lines[i] ?? '');
      continue;
    }
    flushProse();
    prose = { text: [], first: i + 2 };
    const open = i;
    let close = i + 1;
    while (close < lines.length && !FENCE.test(lines[close] ?? '')) close++;
    found.push(...blockCommands(lines.slice(open + 1, close), file, open + 2));
    i = close;
  }
  flushProse();
  return found;
}

/**
 * Every relative link of README.md and docs/*.md leads to a file that exists and, when it names a section, to a
 * heading of that file: the guides link to the README's sections rather than repeat them, so a renamed heading
 * must fail here, not leave a reader at the top of the page.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { DOCS, ROOT } from '../../helpers/doc-commands';

/** Lines outside fenced code blocks, with their 1-based numbers. */
function proseLines(markdown: string): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  let fenced = false;
  markdown.split('\n').forEach((text, i) => {
    if (/^\s*(```|~~~)/.test(text)) fenced = !fenced;
    else if (!fenced) out.push({ text, line: i + 1 });
  });
  return out;
}

/** The anchors GitHub gives a file's headings: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const { text } of proseLines(markdown)) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(text);
    if (!m) continue;
    const slug = (m[1] ?? '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M} _-]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return out;
}

/** The relative links of a file that lead nowhere. */
function brokenLinks(file: string, read: (path: string) => string | null): string[] {
  const text = read(file);
  if (text === null) return [`${file}: missing`];
  const broken: string[] = [];
  for (const { text: line, line: n } of proseLines(text))
    for (const m of line.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1] ?? '';
      if (/^[a-z]+:/i.test(target)) continue;
      const [path = '', anchor] = target.split('#');
      const to = path === '' ? file : normalize(join(dirname(file), path));
      const content = read(to);
      if (content === null) broken.push(`${file}:${n}: ${target}: no file ${to}`);
      else if (anchor !== undefined && to.endsWith('.md') && !anchors(content).has(anchor))
        broken.push(`${file}:${n}: ${target}: no heading #${anchor} in ${to}`);
    }
  return broken;
}

const fromDisk = (path: string) => {
  const full = join(ROOT, path);
  if (!existsSync(full)) return null;
  return path.endsWith('.md') ? readFileSync(full, 'utf8') : '';
};

test('README.md links to every guide', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  for (const f of DOCS.filter((d) => d !== 'README.md')) expect(readme).toContain(`](${f})`);
});

test('every relative link of the README and the guides leads to a file and a heading that exist', () => {
  expect(DOCS.flatMap((f) => brokenLinks(f, fromDisk))).toEqual([]);
});

test('a link to a missing heading or file is found', () => {
  const files: Record<string, string> = {
    'docs/a.md': '# Guide\n\n[ok](../R.md#what-npx-cdk-deploy-creates) [gone](../R.md#costs) [none](b.md)\n',
    'R.md': '# R\n\n## What `npx cdk deploy` creates\n\n```sh\n# costs\n```\n',
  };
  expect(brokenLinks('docs/a.md', (p) => files[p] ?? null)).toEqual([
    'docs/a.md:3: ../R.md#costs: no heading #costs in R.md',
    'docs/a.md:3: b.md: no file docs/b.md',
  ]);
});

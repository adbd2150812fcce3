/**
 * The workspace page's views, pure: data in, markup out through a `Dom` backend (client/dom.ts). The browser
 * mounts them; the server renders them to escaped HTML (`renderResultsHtml`) so checks need no browser.
 * Every text from data (zone names, cell values, Feedback messages) goes in as a child string, i.e. as text.
 */
import type { ResultsDoc } from '../../../pipeline/results';
// The A1 helpers import nothing, so esbuild bundles the one `columnLetters` into the page as it is.
import { columnLetters } from '../../../sheets/a1';
import type { FilesView, ResultsView, SheetView, WorkspaceStatus } from '../types';
import type { Child, Dom } from './dom';

type Zone = ResultsDoc['zones'][number];

/** Numbers as the results spreadsheet shows them. */
export const fmt = {
  score: (x: number | null | undefined) => (x === null || x === undefined ? '' : x.toFixed(2)),
  rank: (x: number | null | undefined) => (x === null || x === undefined ? '' : String(Math.round(x))),
  value: (x: number | null | undefined) =>
    x === null || x === undefined ? '' : Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(6))),
  percent: (x: number) => `${Math.round(x * 100)}%`,
};

export const zoneHref = (zoneId: string) => `#/zone/${encodeURIComponent(zoneId)}`;
export const sheetHref = (spreadsheetId: string) => `#/sheet/${encodeURIComponent(spreadsheetId)}`;

/** A grade's name: its label and Chinese label, or its code. */
export function gradeName(doc: ResultsDoc, code: string | null): string {
  if (code === null) return 'not graded';
  const g = doc.grades.find((x) => x.code === code);
  return [g?.label, g?.labelZh].filter(Boolean).join(' ') || code;
}

/** Black or white text, whichever reads better on a grade's colour. */
export function inkOn(hex: string): string {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return '#000';
  const [r, g, b] = [m[1]!, m[2]!, m[3]!].map((x) => Number.parseInt(x, 16));
  return 0.299 * r! + 0.587 * g! + 0.114 * b! > 140 ? '#000' : '#fff';
}

export function gradeBadge<N>(d: Dom<N>, v: ResultsView, code: string | null): N {
  const colour = code === null ? undefined : v.colours[code];
  return d.h(
    'span',
    {
      class: 'grade',
      title: v.doc ? gradeName(v.doc, code) : undefined,
      style: colour ? { background: colour, color: inkOn(colour) } : undefined,
    },
    code ?? '–',
  );
}

/** The loop's state in words: up to date, or edits on their way to a run. */
export function statusText(s: WorkspaceStatus): string {
  const pending = s.requested - s.scored;
  const run = s.publishedRun === null ? 'no results published yet' : `run #${s.publishedRun} published`;
  return pending > 0 ? `updating: ${pending} change(s) on the way to a run; ${run}` : `up to date, ${run}`;
}

const indicatorName = (doc: ResultsDoc, code: string) => {
  const i = doc.indicators.find((x) => x.code === code);
  return i ? `${code} ${i.nameEn ?? ''} ${i.nameZh ?? ''}`.trim() : code;
};
const unitOf = (doc: ResultsDoc, code: string) => doc.indicators.find((x) => x.code === code)?.unit ?? '';

/** The rank interval, 5% to 95% of the uncertainty analysis' replications. */
export function rankInterval(z: Zone): string {
  const u = z.uncertainty;
  if (!u || u.q05 === null || u.q95 === null) return '';
  return u.q05 === u.q95 ? fmt.rank(u.q05) : `${fmt.rank(u.q05)}–${fmt.rank(u.q95)}`;
}

function change(z: Zone): string {
  if (!z.previous || z.previous.rank === null || z.rank === null) return z.previous ? '' : 'new';
  const d = z.previous.rank - z.rank;
  return d === 0 ? '=' : d > 0 ? `▲${d}` : `▼${-d}`;
}

/** Scores best first as bars in the grade's colour, and under them each zone's rank interval. */
export function chart<N>(d: Dom<N>, v: ResultsView): N {
  const doc = v.doc!;
  const zones = doc.zones.filter((z) => z.rank !== null && z.score !== null);
  const n = Math.max(zones.length, 1);
  const W = 960;
  const left = 40;
  const bar = (W - left - 10) / n;
  const top = 10;
  const H = 180;
  const max = Math.max(1, ...zones.map((z) => z.score ?? 0));
  const yScore = (s: number) => top + H - (s / max) * H;
  const R = 140;
  const top2 = top + H + 40;
  const yRank = (r: number) => top2 + ((r - 1) / Math.max(n - 1, 1)) * R;
  const bars = zones.map((z, k) => {
    const colour = (z.grade && v.colours[z.grade]) || '#999';
    const x = left + k * bar;
    const label = `${fmt.rank(z.rank)}. ${z.nameEn} ${z.nameZh}: ${fmt.score(z.score)} (${gradeName(doc, z.grade)})`;
    const u = z.uncertainty;
    return d.h(
      'g',
      { attrs: { 'data-zone': z.zoneId } },
      d.h('title', null, label),
      d.h('rect', {
        attrs: {
          x: x.toFixed(1),
          y: yScore(z.score ?? 0).toFixed(1),
          width: Math.max(bar - 1, 1).toFixed(1),
          height: ((z.score ?? 0) / max) * H,
          fill: colour,
        },
      }),
      u && u.q05 !== null && u.q95 !== null
        ? d.h('line', {
            attrs: {
              x1: (x + bar / 2).toFixed(1),
              x2: (x + bar / 2).toFixed(1),
              y1: yRank(u.q05).toFixed(1),
              y2: yRank(u.q95).toFixed(1),
              stroke: '#555',
              'stroke-width': Math.max(1, Math.min(3, bar / 3)).toFixed(1),
            },
          })
        : null,
      d.h('circle', {
        attrs: { cx: (x + bar / 2).toFixed(1), cy: yRank(z.rank ?? 1).toFixed(1), r: 2.5, fill: colour },
      }),
    );
  });
  const text = (x: number, y: number, s: string, anchor = 'end') =>
    d.h('text', { attrs: { x, y, 'text-anchor': anchor, class: 'axis' } }, s);
  return d.h(
    'svg',
    {
      class: 'chart',
      attrs: { viewBox: `0 0 ${W} ${top2 + R + 20}`, role: 'img', 'aria-label': 'Scores and rank intervals' },
    },
    text(left - 4, top + 8, fmt.score(max)),
    text(left - 4, top + H, '0'),
    text(
      left,
      top + H + 16,
      'score by rank (bars); below: rank interval 5–95% (lines), rank (dots)',
      'start',
    ),
    text(left - 4, top2 + 4, '1'),
    text(left - 4, top2 + R + 4, String(n)),
    d.h('line', { attrs: { x1: left, x2: W - 10, y1: top + H, y2: top + H, stroke: '#999' } }),
    bars,
  );
}

/** Grade colours and counts. */
function legend<N>(d: Dom<N>, v: ResultsView): N {
  const doc = v.doc!;
  return d.h(
    'ul',
    { class: 'legend' },
    doc.grades.map((g) =>
      d.h(
        'li',
        null,
        gradeBadge(d, v, g.code),
        ` ${gradeName(doc, g.code)}: ${doc.zones.filter((z) => z.grade === g.code).length}`,
      ),
    ),
  );
}

/** A table's header: one row, a cell per title. */
function tableHead<N>(d: Dom<N>, titles: readonly string[]): N {
  return d.h(
    'thead',
    null,
    d.h(
      'tr',
      null,
      titles.map((t) => d.h('th', null, t)),
    ),
  );
}

/** The ranking: every zone best first with its grade in colour, rank interval and change against last year. */
export function rankingTable<N>(d: Dom<N>, v: ResultsView): N {
  const doc = v.doc!;
  return d.h(
    'table',
    { class: 'ranking' },
    tableHead(d, [
      'Rank 排名',
      'Zone',
      '试验区',
      'Province 省份',
      'Score 得分',
      'Grade 等级',
      'Rank 5–95%',
      'Change 变化',
    ]),
    d.h(
      'tbody',
      null,
      doc.zones.map((z) =>
        d.h(
          'tr',
          { attrs: { 'data-zone': z.zoneId } },
          d.h('td', { class: 'num' }, fmt.rank(z.rank)),
          d.h('td', null, d.h('a', { href: zoneHref(z.zoneId), class: 'zone-name' }, z.nameEn)),
          d.h('td', null, z.nameZh),
          d.h('td', null, z.province),
          d.h('td', { class: 'num score' }, fmt.score(z.score)),
          d.h('td', null, gradeBadge(d, v, z.grade)),
          d.h('td', { class: 'num' }, rankInterval(z)),
          d.h('td', { class: 'num' }, change(z)),
        ),
      ),
    ),
  );
}

/** The results page: heading, grade legend, chart and ranking. */
export function resultsPage<N>(d: Dom<N>, v: ResultsView): N {
  if (!v.doc)
    return d.h(
      'section',
      { class: 'results' },
      d.h('p', null, 'No results published yet: the loop is working.'),
    );
  const doc = v.doc;
  return d.h(
    'section',
    { class: 'results', attrs: { 'data-run': doc.runSeq } },
    d.h('h2', null, `Ranking ${doc.year ?? ''} ${doc.name ?? ''}`.trim()),
    d.h(
      'p',
      { class: 'run' },
      `run #${doc.runSeq}, ${doc.createdAt}; methodology ${doc.methodologyVersion.slice(0, 12)}, ${doc.engineVersion}`,
    ),
    legend(d, v),
    chart(d, v),
    rankingTable(d, v),
    doc.notes.length
      ? d.h(
          'ul',
          { class: 'notes' },
          doc.notes.map((n) => d.h('li', null, n)),
        )
      : null,
  );
}

function indicatorList<N>(d: Dom<N>, doc: ResultsDoc, z: Zone, codes: readonly string[]): N {
  if (!codes.length) return d.h('p', null, 'none');
  return d.h(
    'ul',
    null,
    codes.map((c) =>
      d.h(
        'li',
        null,
        // A missing value is still one of the engine's weaknesses (it scores what the methodology imputes, or
        // nothing): named as not reported, never as an empty number beside a unit.
        z.values[c] === null || z.values[c] === undefined
          ? `${indicatorName(doc, c)}: not reported 未填报`
          : `${indicatorName(doc, c)}: ${fmt.value(z.values[c])} ${unitOf(doc, c)}`.trim(),
        z.contributions[c] !== null && z.contributions[c] !== undefined
          ? ` (contributes ${fmt.score(z.contributions[c])} points)`
          : '',
      ),
    ),
  );
}

/** Points a blank cost (positive) or gained (negative), in words. */
const costWords = (points: number | null) =>
  points === null
    ? 'not scored at the median'
    : points >= 0
      ? `not reporting cost ${fmt.score(points)} points`
      : `not reporting gained ${fmt.score(-points)} points`;

/**
 * What a zone's missing values cost it, as the results record it: each value with how it was scored and the points
 * between the zone as scored and re-scored with that value at the median of those reported, then all at once.
 * Null when the run has no costs for the zone (nothing missing, not scored, or a run stored before them).
 */
export function missingCostItems(doc: ResultsDoc, z: Zone): string[] | null {
  const cost = z.quality.missingCost;
  if (!cost) return null;
  return [
    ...cost.values.map((v) => {
      const how = v.scoredAs ? `scored as ${v.scoredAs}` : 'not reported';
      if (v.median === null) return `${indicatorName(doc, v.indicator)}: ${how}; no median to compare with`;
      const unit = unitOf(doc, v.indicator);
      return `${indicatorName(doc, v.indicator)}: ${how}; against the median (${fmt.value(v.median)}${unit ? ` ${unit}` : ''}), ${costWords(v.points)}`;
    }),
    `All at the median 全部按中位数: ${costWords(cost.points)}${cost.grade ? `, grade ${cost.grade}` : ''}`,
  ];
}

/** What it would take to reach the next grade, in a sentence. */
export function nextGradeText(doc: ResultsDoc, z: Zone): string {
  if (z.nextGradeNotComputed) return 'Not computed this run (the search ran out of its time budget).';
  const g = z.nextGrade;
  if (!g)
    return z.grade === doc.grades[0]?.code ? 'Already in the top grade.' : 'No single indicator reaches it.';
  const unit = unitOf(doc, g.indicator);
  return `To reach ${g.grade} (${gradeName(doc, g.grade)}), ${fmt.score(g.points)} points away: raise ${indicatorName(doc, g.indicator)} from ${fmt.value(g.current)} to ${fmt.value(g.value)}${unit ? ` ${unit}` : ''}.`;
}

/** One zone: its standing, rank interval, strengths, weaknesses, next grade and dimension scores. */
export function zonePage<N>(d: Dom<N>, v: ResultsView, zoneId: string): N {
  const doc = v.doc;
  const z = doc?.zones.find((x) => x.zoneId === zoneId);
  if (!doc || !z) return d.h('section', { class: 'zone' }, d.h('p', null, `No results for zone ${zoneId}.`));
  const u = z.uncertainty;
  const facts: [string, Child<N>][] = [
    ['Rank 排名', `${fmt.rank(z.rank)} of ${doc.zones.filter((x) => x.rank !== null).length}`],
    ['Score 得分', fmt.score(z.score)],
    ['Grade 等级', [gradeBadge(d, v, z.grade), ` ${gradeName(doc, z.grade)}`]],
    ['Rank interval 5–95% 排名区间', rankInterval(z) || 'not analysed'],
    [
      'Grade probabilities 等级概率',
      u
        ? Object.entries(u.grades)
            .filter(([, p]) => p > 0)
            .map(([g, p]) => `${g} ${fmt.percent(p)}`)
            .join(', ')
        : 'not analysed',
    ],
    [
      'Last year 上年',
      z.previous ? `rank ${fmt.rank(z.previous.rank)}, grade ${z.previous.grade ?? '–'}` : 'not ranked',
    ],
    ['Province 省份', z.province],
  ];
  const q = z.quality;
  return d.h(
    'section',
    { class: 'zone', attrs: { 'data-zone': z.zoneId } },
    d.h('h2', null, `${z.nameEn} ${z.nameZh}`),
    d.h(
      'dl',
      null,
      facts.map(([k, val]) => [d.h('dt', null, k), d.h('dd', null, val)]),
    ),
    d.h('h3', null, 'Next grade 晋级所需'),
    d.h('p', { class: 'next-grade' }, nextGradeText(doc, z)),
    d.h('h3', null, 'Strengths 优势'),
    d.h('div', { class: 'strengths' }, indicatorList(d, doc, z, z.strengths)),
    d.h('h3', null, 'Weaknesses 短板'),
    d.h('div', { class: 'weaknesses' }, indicatorList(d, doc, z, z.weaknesses)),
    d.h('h3', null, 'Dimensions 维度得分'),
    d.h(
      'table',
      null,
      d.h(
        'tbody',
        null,
        doc.aggregates.map((a) =>
          d.h(
            'tr',
            null,
            d.h('td', null, `${a.code} ${a.nameEn ?? ''} ${a.nameZh ?? ''}`.trim()),
            d.h('td', { class: 'num' }, fmt.score(z.dimensions[a.code])),
          ),
        ),
      ),
    ),
    d.h('h3', null, 'Data 数据'),
    d.h(
      'p',
      null,
      `refused: ${q.refused.join(', ') || 'none'}; missing: ${q.missing.join(', ') || 'none'}; revision ${q.revision ?? '–'}${q.lastEditor ? ` by ${q.lastEditor}` : ''}${q.lastEditAt ? ` at ${q.lastEditAt}` : ''}`,
    ),
    missingList(d, doc, z),
    q.spreadsheetId
      ? d.h(
          'p',
          null,
          d.h('a', { href: sheetHref(q.spreadsheetId), class: 'open-form' }, 'Open the form 打开填报表'),
        )
      : null,
  );
}

function missingList<N>(d: Dom<N>, doc: ResultsDoc, z: Zone): N | null {
  const items = missingCostItems(doc, z);
  if (!items) return null;
  return d.h(
    'div',
    { class: 'missing-cost' },
    d.h('h4', null, 'What the missing values cost 缺失值的代价'),
    d.h(
      'ul',
      null,
      items.map((x) => d.h('li', null, x)),
    ),
  );
}

/** The evaluation's spreadsheets. */
export function filesPage<N>(d: Dom<N>, f: FilesView): N {
  return d.h(
    'section',
    { class: 'files' },
    d.h('h2', null, 'Spreadsheets 表格'),
    d.h(
      'table',
      null,
      tableHead(d, ['Kind', 'Spreadsheet', 'Version', 'Modified']),
      d.h(
        'tbody',
        null,
        f.files.map((x) =>
          d.h(
            'tr',
            { attrs: { 'data-sheet': x.spreadsheetId } },
            d.h('td', null, x.kind),
            d.h('td', null, d.h('a', { href: sheetHref(x.spreadsheetId) }, x.name)),
            d.h('td', { class: 'num' }, x.version ?? ''),
            d.h('td', null, x.modifiedTime ?? ''),
          ),
        ),
      ),
    ),
  );
}

/** A row of a Feedback tab about one cell: the cell, the value as typed, the problem and what is expected. */
export type FeedbackNote = {
  tab: string | null;
  cell: string;
  code: string;
  typed: string;
  problem: string;
  expected: string;
  /** False for a value accepted but worth checking (its problem begins "Accepted."). */
  refused: boolean;
};

/** The rows of a spreadsheet's Feedback tab that name a cell (`Form!D7`, `D7`). */
export function feedbackNotes(sheet: SheetView): FeedbackNote[] {
  const fb = sheet.tabs.find((t) => t.title === 'Feedback');
  if (!fb) return [];
  const head = fb.rows.findIndex((r) => r[0]?.startsWith('Cell'));
  if (head < 0) return [];
  const col = (name: string) => fb.rows[head]!.findIndex((h) => h.startsWith(name));
  const [code, typed, problem, expected] = ['Code', 'Value as typed', 'Problem', 'Expected'].map(col);
  const at = (r: string[], k: number | undefined) => (k === undefined || k < 0 ? '' : (r[k] ?? ''));
  const out: FeedbackNote[] = [];
  for (const r of fb.rows.slice(head + 1)) {
    const m = /^(?:'?(.+?)'?!)?\$?([A-Z]+)\$?(\d+)$/.exec(r[0] ?? '');
    if (!m) continue;
    const p = at(r, problem);
    out.push({
      tab: m[1] ?? null,
      cell: `${m[2]}${m[3]}`,
      code: at(r, code),
      typed: at(r, typed),
      problem: p,
      expected: at(r, expected),
      refused: !p.startsWith('Accepted'),
    });
  }
  return out;
}

/** The cells of `tab` the Feedback names, A1 to its note. */
export function feedbackCells(sheet: SheetView, tab: string): Map<string, FeedbackNote> {
  return new Map(
    feedbackNotes(sheet)
      .filter((n) => n.tab === null || n.tab === tab)
      .map((n) => [n.cell, n]),
  );
}

/** The values the last sync refused, and why, in sentences (above the grid, so no one has to hunt for them). */
export function refusedList<N>(d: Dom<N>, sheet: SheetView): N | null {
  const refused = feedbackNotes(sheet).filter((n) => n.refused);
  if (!refused.length) return null;
  return d.h(
    'div',
    { class: 'refused-list', attrs: { role: 'status' } },
    d.h('h3', null, `Refused values 未接受的数值 (${refused.length})`),
    d.h(
      'ul',
      null,
      refused.map((n) =>
        d.h(
          'li',
          { attrs: { 'data-cell': n.cell } },
          d.h('b', null, `${n.tab ? `${n.tab}!` : ''}${n.cell}${n.code ? ` ${n.code}` : ''}`),
          ` “${n.typed}”: ${n.problem}`,
          n.expected ? ` Expected: ${n.expected}` : '',
        ),
      ),
    ),
  );
}

export type GridState = {
  /** The cell being edited, as A1 (`D7`), or null. */
  editing: string | null;
  /** Cells the Feedback names, A1 to its note (refused, or accepted but worth checking). */
  marks: Map<string, FeedbackNote>;
  editable: boolean;
};

export type GridHandlers = {
  onCell?: (a1: string, text: string) => void;
  onSubmit?: (a1: string, text: string) => void;
  onCancel?: () => void;
};

/** One tab as a grid with column letters and row numbers; a cell being edited holds an input. */
export function grid<N>(
  d: Dom<N>,
  tab: SheetView['tabs'][number],
  state: GridState,
  on: GridHandlers = {},
): N {
  const width = Math.max(1, ...tab.rows.map((r) => r.length));
  const height = tab.rows.length + (state.editable ? 1 : 0);
  const cols = Array.from({ length: width }, (_, k) => columnLetters(k));
  return d.h(
    'table',
    { class: `grid${state.editable ? ' editable' : ''}`, attrs: { 'data-tab': tab.title } },
    tableHead(d, ['', ...cols]),
    d.h(
      'tbody',
      null,
      Array.from({ length: height }, (_, r) =>
        d.h(
          'tr',
          null,
          d.h('th', null, String(r + 1)),
          cols.map((c, k) => {
            const a1 = `${c}${r + 1}`;
            const text = tab.rows[r]?.[k] ?? '';
            const note = state.marks.get(a1);
            if (state.editing === a1)
              return d.h(
                'td',
                { class: 'editing', attrs: { 'data-cell': a1 } },
                d.h('input', {
                  attrs: { value: text, 'aria-label': `cell ${a1}` },
                  on: {
                    keydown: (e) => {
                      const target = e.target;
                      const value =
                        typeof target === 'object' && target !== null && 'value' in target
                          ? String(target.value)
                          : text;
                      if (e.key === 'Enter') on.onSubmit?.(a1, value);
                      if (e.key === 'Escape') on.onCancel?.();
                    },
                  },
                }),
              );
            return d.h(
              'td',
              {
                class: note === undefined ? undefined : note.refused ? 'refused' : 'check',
                title: note?.problem,
                attrs: { 'data-cell': a1 },
                on: state.editable ? { click: () => on.onCell?.(a1, text) } : undefined,
              },
              text,
            );
          }),
        ),
      ),
    ),
  );
}

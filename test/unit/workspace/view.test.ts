/**
 * The workspace page's views, rendered by the escaping backend (what `renderResultsHtml` gives the reliability
 * suites): text from data stays text, links stay in the page, and the parts of the page read their data right.
 */
import { escapeHtml, htmlDom, safeAttributeName, safeHref } from '../../../lib/local/workspace/client/dom';
import {
  feedbackCells,
  feedbackNotes,
  grid,
  missingCostItems,
  nextGradeText,
  rankInterval,
  statusText,
} from '../../../lib/local/workspace/client/view';
import { renderResultsHtml } from '../../../lib/local/workspace/html';
import type { ResultsView, SheetView } from '../../../lib/local/workspace/types';
import { columnLetters } from '../../../lib/sheets/a1';
import { gradeColours } from '../../../lib/sheets/results';
import { tinyDoc } from '../../helpers/results';

const XSS = '<script>alert(1)</script>';

function view(edit: (doc: ReturnType<typeof tinyDoc>) => void = () => {}): ResultsView {
  const doc = tinyDoc();
  edit(doc);
  return {
    status: { evaluationId: 'tiny', requested: 4, scored: 4, publishedRun: 3, currentRun: 3 },
    colours: Object.fromEntries(gradeColours(doc)),
    doc,
  };
}

test('a zone named <script>alert(1)</script> is rendered as text, in the ranking and on its page', () => {
  const v = view((doc) => {
    doc.zones[0]!.nameEn = XSS;
    doc.zones[0]!.nameZh = `${XSS}郑州`;
  });
  const html = renderResultsHtml(v, v.doc!.zones[0]!.zoneId);
  expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;郑州');
  expect(html).not.toMatch(/<script/i);
});

test('markup in an indicator name, a grade label or a province cannot open a tag or an attribute', () => {
  const v = view((doc) => {
    doc.grades[0]!.label = '"><img src=x onerror=alert(1)>';
    doc.indicators[0]!.nameEn = '<img src=x onerror=alert(2)>';
    for (const z of doc.zones) {
      z.province = '<b>Henan</b>';
      z.strengths = [doc.indicators[0]!.code];
    }
  });
  const html = renderResultsHtml(v, v.doc!.zones[0]!.zoneId);
  expect(html).not.toMatch(/<img|<b>/);
  expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
  expect(html).toContain('&lt;img src=x onerror=alert(2)&gt;');
});

test('the ranking lists the zones best first with each grade in its colour and the rank interval', () => {
  const v = view();
  const html = renderResultsHtml(v);
  const zones = v.doc!.zones.filter((z) => z.rank !== null);
  const positions = zones.map((z) => html.indexOf(`<tr data-zone="${z.zoneId}"`));
  expect(positions.every((p) => p > 0)).toBe(true);
  expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  expect(html).toContain(`background: ${v.colours.A}`);
  const first = zones[0]!;
  expect(rankInterval(first)).toMatch(/^\d+(–\d+)?$/);
  expect(html).toContain(`<td class="num">${rankInterval(first)}</td>`);
});

test('the escaping backend drops links out of the page and handler attributes', () => {
  expect(htmlDom.h('a', { href: 'javascript:alert(1)' }, 'x').html).toBe('<a>x</a>');
  expect(htmlDom.h('a', { href: '#/zone/a%20b' }, 'x').html).toBe('<a href="#/zone/a%20b">x</a>');
  expect(htmlDom.h('td', { attrs: { onclick: 'alert(1)', 'data-zone': '"z"' } }).html).toBe(
    '<td data-zone="&quot;z&quot;"></td>',
  );
  expect(safeHref('https://example.com')).toBeNull();
  expect(safeAttributeName('onload')).toBe(false);
  expect(safeAttributeName('data-cell')).toBe(true);
  expect(escapeHtml(`<&>"'`)).toBe('&lt;&amp;&gt;&quot;&#39;');
});

const sheet = (feedback: string[][]): SheetView => ({
  spreadsheetId: 's',
  title: 'Zhengzhou',
  version: '3',
  modifiedTime: null,
  lastModifyingUser: null,
  editors: [],
  tabs: [
    { title: 'Form', rows: [['Zone ID', 'zhengzhou']] },
    { title: 'Feedback', rows: feedback },
  ],
});

test('the Feedback tab is read into refused values and values to check, by cell', () => {
  const s = sheet([
    ['Status 状态', '1 problem'],
    [],
    ['Cell 单元格', 'Code 指标代码', 'Value as typed 填报内容', 'Problem 问题', 'Expected 应填写'],
    ['Form!D5', 'T03', '12abc', '“12abc” is not a number.', 'a number'],
    ['Form!D3', 'T01', '83.6', 'Accepted. 83.6 is read as 83.6%.', ''],
    ['Other!B2', '', '', 'elsewhere', ''],
  ]);
  expect(feedbackNotes(s)).toEqual([
    {
      tab: 'Form',
      cell: 'D5',
      code: 'T03',
      typed: '12abc',
      problem: '“12abc” is not a number.',
      expected: 'a number',
      refused: true,
    },
    expect.objectContaining({ cell: 'D3', refused: false }),
    expect.objectContaining({ tab: 'Other', cell: 'B2' }),
  ]);
  expect([...feedbackCells(s, 'Form').keys()]).toEqual(['D5', 'D3']);
});

test('a grid wider than 26 columns is lettered on past Z (AA, AB), by the A1 helpers the sheets code uses', () => {
  const row = Array.from({ length: 28 }, (_, k) => String(k));
  const { html } = grid(
    htmlDom,
    { title: 'Wide', rows: [row] },
    { editing: null, marks: new Map(), editable: false },
  );
  expect([0, 25, 26, 701, 702].map(columnLetters)).toEqual(['A', 'Z', 'AA', 'ZZ', 'AAA']);
  expect(html).toMatch(/>Z<\/th>.*>AA<\/th>.*>AB<\/th>/s);
});

test('the next grade is a sentence naming the grade, the points, the indicator and the values', () => {
  const doc = tinyDoc();
  const z = {
    ...doc.zones[1]!,
    nextGrade: { grade: 'A', points: 3.5, indicator: 'X1', current: 20, value: 31.25 },
  };
  expect(nextGradeText(doc, z)).toBe(
    'To reach A (Obvious 成效明显), 3.50 points away: raise X1 Exports from 20 to 31.25 count.',
  );
  expect(nextGradeText(doc, { ...z, nextGrade: null, nextGradeNotComputed: true })).toMatch(/^Not computed/);
});

test('the status says when edits are on their way to a run', () => {
  expect(statusText({ evaluationId: 'e', requested: 7, scored: 5, publishedRun: 2, currentRun: 2 })).toBe(
    'updating: 2 change(s) on the way to a run; run #2 published',
  );
  expect(
    statusText({ evaluationId: 'e', requested: 7, scored: 7, publishedRun: null, currentRun: null }),
  ).toBe('up to date, no results published yet');
});

test('a missing value among the weaknesses reads as not reported, never as an empty number beside its unit', () => {
  const v = view((doc) => {
    const z = doc.zones[0]!;
    const code = doc.indicators[0]!.code;
    doc.indicators[0]!.unit = 'days';
    z.values[code] = null;
    z.contributions[code] = 0;
    z.weaknesses = [code];
  });
  const html = renderResultsHtml(v, v.doc!.zones[0]!.zoneId);
  const weaknesses = html.slice(html.indexOf('class="weaknesses"'));
  expect(weaknesses).toMatch(/: not reported 未填报 \(contributes 0\.00 points\)/);
  expect(weaknesses).not.toMatch(/:\s+days/);
});

test("a zone's page says what each missing value cost, how it was scored, and all of them at the median", () => {
  const v = view((doc) => {
    const z = doc.zones[0]!;
    doc.indicators[0]!.unit = 'days';
    z.quality.missing = ['X1', 'X2'];
    z.quality.missingCost = {
      values: [
        { indicator: 'X1', scoredAs: 'worst', median: 20, points: 1.5 },
        { indicator: 'X2', scoredAs: 'imputed', median: 4, points: -0.25 },
        { indicator: 'X3', scoredAs: null, median: null, points: null },
      ],
      points: 1.25,
      grade: 'A',
    };
  });
  const z = v.doc!.zones[0]!;
  expect(missingCostItems(v.doc!, z)).toEqual([
    'X1 Exports: scored as worst; against the median (20 days), not reporting cost 1.50 points',
    'X2 Firms: scored as imputed; against the median (4 count), not reporting gained 0.25 points',
    'X3 Days: not reported; no median to compare with',
    'All at the median 全部按中位数: not reporting cost 1.25 points, grade A',
  ]);
  const html = renderResultsHtml(v, z.zoneId);
  const part = html.slice(html.indexOf('class="missing-cost"'));
  expect(part).toContain(
    '<li>X1 Exports: scored as worst; against the median (20 days), not reporting cost 1.50 points</li>',
  );
  // A zone without costs recorded (nothing missing, or a run stored before them) has no such list.
  expect(renderResultsHtml(v, v.doc!.zones[1]!.zoneId)).not.toContain('missing-cost');
});

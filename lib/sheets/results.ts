/**
 * The results spreadsheet's layout (DESIGN section 3, Results), pure: a run's results document becomes the
 * contents of each tab, and, given what the spreadsheet holds now, the requests of one `spreadsheets.batchUpdate`
 * that make it show them.
 *
 * Every tab and the chart have fixed ids, so each publish replaces rather than adds. Per tab the batch holds: the
 * tab's properties (title, position, grid size, frozen header) set with `updateSheetProperties`, or `addSheet` when
 * the tab is missing; one `updateCells` over the whole grid that replaces every value and format (cells past the
 * rows are cleared, so a shorter ranking leaves nothing behind); and one `repeatCell` per formatted column (number
 * formats). Grade colours are cell formats written with the values, not conditional-format rules, which would pile
 * up. The chart is changed with `updateChartSpec`, or added with `addChart` when it is missing. Strings are always
 * `stringValue`: a zone named `=IMPORTXML(...)` stays text.
 */
import type { sheets_v4 } from '@googleapis/sheets';
import type { ResultsDoc, ZoneResult } from '../pipeline/results';
import { extendedValue } from './requests';

/** Fixed ids: chosen far from Google's random ones (which are large) and from a new spreadsheet's first tab (0). */
export const RESULTS_TABS = {
  ranking: { id: 9101, title: 'Ranking' },
  dimensions: { id: 9102, title: 'Dimensions' },
  indicators: { id: 9103, title: 'Indicators' },
  nextGrade: { id: 9104, title: 'Next grade' },
  uncertainty: { id: 9105, title: 'Uncertainty' },
  quality: { id: 9106, title: 'Data quality' },
  methodology: { id: 9107, title: 'Methodology' },
  run: { id: 9108, title: 'Run' },
  // Added after the chart's id was taken: ids are never reused or renumbered, so the order here is the tabs' order.
  provenance: { id: 9110, title: 'Provenance' },
  chart: { id: 9109, title: 'Chart' },
} as const;
export const RESULTS_CHART_ID = 9199;
/** Empty columns between the chart tab's table and the chart anchored right of it. */
const CHART_GAP = 1;

export type ResultsValue = string | number | boolean | null;
export type ColumnFormat = 'score' | 'rank' | 'percent' | 'number' | 'change';
export type ResultsTab = {
  id: number;
  title: string;
  /** Rows from A1, the header (when `frozenRows` is 1) first. */
  rows: ResultsValue[][];
  frozenRows: number;
  /** Number formats by 0-based column, applied below the header. */
  formats: Record<number, ColumnFormat>;
  /** Background colours (hex) of single cells: the grade cells. */
  fills: { row: number; col: number; colour: string }[];
  /** Columns the grid keeps beyond the rows' width (room for the chart, which is anchored on a cell). */
  spareColumns?: number;
};

/** Colours of grades without one, best first (ColorBrewer RdYlGn). */
const DEFAULT_COLOURS = ['#1a9850', '#91cf60', '#fee08b', '#fc8d59', '#d73027'];

export function gradeColours(doc: Pick<ResultsDoc, 'grades'>): Map<string, string> {
  return new Map(
    doc.grades.map((g, k) => [g.code, g.colour ?? DEFAULT_COLOURS[Math.min(k, DEFAULT_COLOURS.length - 1)]!]),
  );
}

const gradeName = (doc: ResultsDoc, code: string | null, zh = false) => {
  if (code === null) return null;
  const g = doc.grades.find((x) => x.code === code);
  return (zh ? g?.labelZh : g?.label) ?? code;
};

/** Rank change against last year: positive when the zone moved up. */
function rankChange(z: ZoneResult): number | null {
  return z.previous?.rank != null && z.rank !== null ? z.previous.rank - z.rank : null;
}

/** Grade change against last year, in words: `up from B`, `down from A`, `same`, `new` (not ranked last year). */
function gradeChange(doc: ResultsDoc, z: ZoneResult): string | null {
  if (doc.previous === null || z.grade === null) return null;
  const before = z.previous?.grade ?? null;
  if (before === null) return 'new 新进';
  const order = doc.grades.map((g) => g.code);
  const d = order.indexOf(before) - order.indexOf(z.grade);
  if (d === 0) return 'same 持平';
  return d > 0 ? `up from ${before} 升` : `down from ${before} 降`;
}

const list = (codes: readonly string[]) => (codes.length ? codes.join(', ') : null);

/**
 * A zone's missing values for the Data quality tab: each with the points it cost (the zone re-scored with that
 * value at the median of those reported, minus its score; negative when the blank gained) and how the engine
 * scored it, e.g. `X1: 1.23 (left out), X4: no median (worst)`; the codes alone in runs stored before the costs.
 */
export function missingText(q: ZoneResult['quality']): string | null {
  if (!q.missingCost) return list(q.missing);
  const each = q.missingCost.values.map(
    (v) =>
      `${v.indicator}: ${v.median === null ? 'no median' : v.points === null ? 'not scored' : v.points.toFixed(2)}${v.scoredAs ? ` (${v.scoredAs})` : ''}`,
  );
  return list(each);
}

/** The Provenance tab's header row (tests read the tab back against it). */
export const PROVENANCE_HEADER = [
  'Zone ID',
  'Zone',
  '试验区',
  'Revision 版本',
  'Entered by 填报人',
  'When 时间',
  'Indicators entered 填入指标 (values: Indicators tab)',
] as const;

/**
 * What the Provenance tab's per-revision rows may take of the request, in bytes (as estimated by `provenanceBytes`),
 * before the tab is summarised. The whole publish is one `batchUpdate`, which Google refuses over 10,485,760 bytes,
 * and this tab is the part of it that grows with how officials edit rather than with zones x indicators: officials
 * typing 48 values one at a time make 48 revisions, and 2,000 such zones made 96,000 rows, 36.8 MB of request.
 * Bytes rather than rows, because a row's cost is mostly its text: with real zone names (50 characters, Chinese
 * names 18) and e-mail addresses, 6,000 rows took the request to 10.3 MB where synthetic short names gave 8.6 MB.
 * Measured on 2,000 zones x 48 indicators (test/unit/sheets/results.test.ts): the other tabs take 6.2 MB (7.3 MB
 * with those long names), so 2 MB here leaves the request at 8.3 MB at most (about 9.3 MB with the long names).
 * It keeps every row of the synthetic two revisions per zone (1.7 MB).
 */
export const PROVENANCE_BUDGET_BYTES = 2_000_000;

/**
 * A row's bytes in the request, close enough to budget on: each text cell is written as
 * `{"userEnteredValue":{"stringValue":"…"}},` (38 bytes around the text), a number is pasted as a few digits.
 */
export function provenanceBytes(row: readonly ResultsValue[]): number {
  let n = 16;
  for (const v of row) n += typeof v === 'string' ? Buffer.byteLength(JSON.stringify(v)) + 36 : 10;
  return n;
}

/** The Provenance tab's rows below the header; `summary` when some zones were cut to one row each. */
export type ProvenanceRows = {
  rows: ResultsValue[][];
  summary: { threshold: number; zones: number; note: string } | null;
};

/**
 * Who entered each value scored: one row per zone and revision (or central tab) that entered values in use, with
 * the indicators it entered (their values are on the Indicators tab, row for row by zone). Not one row per value:
 * at 2,000 zones x 48 indicators that is 96,000 rows of text cells, past the 10 MB a batchUpdate may carry; listing
 * `code = value` here too took the whole request from 7.8 to 9.1 MB at that size (synthetic values of ten digits).
 *
 * Past `budget` bytes, the zones with more than K revisions get one row each (their latest revision, who, when, and
 * how many revisions, pointing to `zone-eval trace`), K the largest that keeps the tab within the budget. The
 * most-edited zones are cut rather than every zone: their rows are what overflows, and every zone edited a few
 * times (the usual case) keeps its exact rows on the sheet; one K for all zones keeps the rule one sentence on the
 * tab. A central tab's row is always kept: `trace` follows a zone's revisions only, and a zone reads few central tabs.
 */
export function provenanceRows(
  doc: Pick<ResultsDoc, 'zones' | 'evaluationId'>,
  budget = PROVENANCE_BUDGET_BYTES,
): ProvenanceRows {
  const zones = doc.zones.map((z) => {
    const groups = z.provenance ?? [];
    const names = [z.zoneId, z.nameEn, z.nameZh];
    const detail = (g: (typeof groups)[number]) => [
      ...names,
      g.revision,
      g.by,
      g.at,
      g.indicators.join(', '),
    ];
    const own = groups.filter((g) => g.revision !== null);
    const central = groups.filter((g) => g.revision === null).map(detail);
    const full = groups.map(detail);
    // groupProvenance orders revisions oldest first; the latest is looked for all the same.
    const latest = own.reduce<(typeof own)[number] | null>(
      (a, b) => (a === null || (b.revision ?? 0) > (a.revision ?? 0) ? b : a),
      null,
    );
    const cut = latest && [
      [
        ...names,
        latest.revision,
        latest.by,
        latest.at,
        `${own.length} revisions: zone-eval trace --evaluation ${doc.evaluationId} --zone ${z.zoneId} lists each value`,
      ],
      ...central,
    ];
    const bytes = (rows: ResultsValue[][]) => rows.reduce((n, r) => n + provenanceBytes(r), 0);
    return { revisions: own.length, full, cut, fullBytes: bytes(full), cutBytes: cut ? bytes(cut) : 0 };
  });
  // The tab's bytes with K as the threshold: non-decreasing in K, so the largest K within the budget is the last
  // found going up the zones' counts. Below 1 nothing is saved, so 1 is the floor even past the budget.
  const bytesAt = (k: number) => zones.reduce((n, x) => n + (x.revisions > k ? x.cutBytes : x.fullBytes), 0);
  let threshold = Number.POSITIVE_INFINITY;
  const total = bytesAt(threshold);
  if (total > budget) {
    threshold = 1;
    for (const k of [...new Set(zones.map((x) => x.revisions))].sort((a, b) => a - b))
      if (k > 1 && bytesAt(k) <= budget) threshold = k;
  }
  const rows: ResultsValue[][] = [];
  let cut = 0;
  for (const x of zones) {
    if (x.revisions > threshold && x.cut) {
      cut++;
      rows.push(...x.cut);
    } else rows.push(...x.full);
  }
  if (cut === 0) return { rows, summary: null };
  return {
    rows,
    summary: {
      threshold,
      zones: cut,
      note: `Summarised 摘要: a row per zone and revision would take ${(total / 1e6).toFixed(1)} MB, past the ${(budget / 1e6).toFixed(1)} MB this tab keeps within Google's request limit, so the ${cut} zones with more than ${threshold} revision${threshold === 1 ? '' : 's'} have one row each, their latest revision; zone-eval trace lists each of their values.`,
    },
  };
}

/** The tabs of a results document, in their order on the spreadsheet (pure). */
export function resultsTabs(doc: ResultsDoc): ResultsTab[] {
  const colours = gradeColours(doc);
  const T = RESULTS_TABS;
  const fillGrade = (fills: ResultsTab['fills'], row: number, col: number, grade: string | null) => {
    const colour = grade === null ? undefined : colours.get(grade);
    if (colour !== undefined) fills.push({ row, col, colour });
  };

  const rankingFills: ResultsTab['fills'] = [];
  const ranking: ResultsTab = {
    ...T.ranking,
    frozenRows: 1,
    rows: [
      [
        'Rank 排名',
        'Zone',
        '试验区',
        'Province 省份',
        'Batch 批次',
        'Score 得分',
        'Grade 等级',
        'Grade label',
        '等级名称',
        'Rank change 排名变化',
        'Grade change 等级变化',
        'Last year rank 上年排名',
        'Last year grade 上年等级',
        'Rank 5% 排名区间下限',
        'Rank 95% 排名区间上限',
      ],
      ...doc.zones.map((z, k) => {
        fillGrade(rankingFills, k + 1, 6, z.grade);
        return [
          z.rank,
          z.nameEn,
          z.nameZh,
          z.province,
          z.batch,
          z.score,
          z.grade,
          gradeName(doc, z.grade),
          gradeName(doc, z.grade, true),
          rankChange(z),
          gradeChange(doc, z),
          z.previous?.rank ?? null,
          z.previous?.grade ?? null,
          z.uncertainty?.q05 ?? null,
          z.uncertainty?.q95 ?? null,
        ];
      }),
    ],
    formats: { 0: 'rank', 5: 'score', 9: 'change', 11: 'rank', 13: 'rank', 14: 'rank' },
    fills: rankingFills,
  };

  const dimensions: ResultsTab = {
    ...T.dimensions,
    frozenRows: 1,
    rows: [
      [
        'Rank 排名',
        'Zone',
        '试验区',
        'Score 得分',
        ...doc.aggregates.map((a) => [a.code, a.nameEn, a.nameZh].filter(Boolean).join(' ')),
      ],
      ...doc.zones.map((z) => [
        z.rank,
        z.nameEn,
        z.nameZh,
        z.score,
        ...doc.aggregates.map((a) => z.dimensions[a.code] ?? null),
      ]),
    ],
    formats: Object.fromEntries([
      [0, 'rank'],
      ...Array.from({ length: doc.aggregates.length + 1 }, (_, k) => [k + 3, 'score']),
    ]),
    fills: [],
  };

  const indicators: ResultsTab = {
    ...T.indicators,
    frozenRows: 1,
    rows: [
      ['Zone ID', 'Zone', '试验区', ...doc.indicators.map((i) => `${i.code}${i.unit ? ` (${i.unit})` : ''}`)],
      ...doc.zones.map((z) => [
        z.zoneId,
        z.nameEn,
        z.nameZh,
        ...doc.indicators.map((i) => z.values[i.code] ?? null),
      ]),
    ],
    formats: Object.fromEntries(doc.indicators.map((_, k) => [k + 3, 'number'])),
    fills: [],
  };

  const nextFills: ResultsTab['fills'] = [];
  const nextGrade: ResultsTab = {
    ...T.nextGrade,
    frozenRows: 1,
    rows: [
      [
        'Rank 排名',
        'Zone',
        '试验区',
        'Grade 等级',
        'Next grade 目标等级',
        'Points to it 差距分值',
        'Indicator 指标',
        'Current value 现值',
        'Value needed 目标值',
        'Strengths 优势指标',
        'Weaknesses 薄弱指标',
      ],
      ...doc.zones.map((z, k) => {
        fillGrade(nextFills, k + 1, 3, z.grade);
        return [
          z.rank,
          z.nameEn,
          z.nameZh,
          z.grade,
          // A zone the search's time budget left out says so, rather than reading as out of reach.
          z.nextGrade?.grade ?? (z.nextGradeNotComputed ? 'not computed (time budget) 未计算' : null),
          z.nextGrade?.points ?? null,
          z.nextGrade?.indicator ?? null,
          z.nextGrade?.current ?? null,
          z.nextGrade?.value ?? null,
          list(z.strengths),
          list(z.weaknesses),
        ];
      }),
    ],
    formats: { 0: 'rank', 5: 'score', 7: 'number', 8: 'number' },
    fills: nextFills,
  };

  const uncertainty: ResultsTab = {
    ...T.uncertainty,
    frozenRows: 1,
    rows: [
      [
        'Rank 排名',
        'Zone',
        '试验区',
        'Median rank 排名中位数',
        'Rank 5%',
        'Rank 95%',
        ...doc.grades.map((g) => `P(${g.code})`),
      ],
      ...doc.zones.map((z) => [
        z.rank,
        z.nameEn,
        z.nameZh,
        z.uncertainty?.median ?? null,
        z.uncertainty?.q05 ?? null,
        z.uncertainty?.q95 ?? null,
        ...doc.grades.map((g) => z.uncertainty?.grades[g.code] ?? null),
      ]),
    ],
    formats: Object.fromEntries([
      [0, 'rank'],
      [3, 'number'],
      [4, 'rank'],
      [5, 'rank'],
      ...doc.grades.map((_, k) => [k + 6, 'percent']),
    ]),
    fills: [],
  };

  const quality: ResultsTab = {
    ...T.quality,
    frozenRows: 1,
    rows: [
      [
        'Zone ID',
        'Zone',
        '试验区',
        'Status 状态',
        'Availability 数据完整度',
        'Missing: points each cost at the median, how scored 缺失指标：按中位数计的失分、计分方式',
        'Points all missing cost 缺失总失分',
        'Grade at the median 按中位数填报的等级',
        'Refused 被拒数值',
        'Revision 版本',
        'Last accepted edit 最近采纳修改',
        'By 修改人',
        'Scored 参与评分',
        'Note 说明',
      ],
      ...doc.zones.map((z) => [
        z.zoneId,
        z.nameEn,
        z.nameZh,
        z.quality.status,
        z.quality.availability,
        missingText(z.quality),
        z.quality.missingCost?.points ?? null,
        z.quality.missingCost?.grade ?? null,
        list(z.quality.refused),
        z.quality.revision,
        z.quality.lastEditAt,
        z.quality.lastEditor,
        z.quality.screenedOut ? 'no: below the availability screen' : 'yes',
        z.quality.reason,
      ]),
    ],
    formats: { 4: 'percent', 6: 'score', 10: 'rank' },
    fills: [],
  };

  const methodology: ResultsTab = {
    ...T.methodology,
    frozenRows: 0,
    rows: [
      ['Methodology version 方法版本', doc.methodologyVersion],
      ['Engine version 引擎版本', doc.engineVersion],
      [],
      ['Step 步骤', 'Method 方法'],
      ...doc.steps.map((s) => [s.step, s.method]),
      [],
      ['Code 代码', 'Kind 类型', 'Parent 上级', 'Weight within parent 权重'],
      ...doc.weights.map((w) => [w.code, w.kind, w.parent, w.weight]),
    ],
    formats: {},
    fills: [],
  };

  const prov = provenanceRows(doc);
  const run: ResultsTab = {
    ...T.run,
    frozenRows: 0,
    rows: [
      ['Evaluation 评估', doc.evaluationId],
      ['Name 名称', doc.name],
      ['Year 年度', doc.year],
      ['Run 运行编号', doc.runSeq],
      ['Input hash 输入摘要', doc.inputHash],
      ['Methodology version 方法版本', doc.methodologyVersion],
      ['Engine version 引擎版本', doc.engineVersion],
      ['Time 时间', doc.createdAt],
      [
        'Previous year 上年评估',
        doc.previous ? `${doc.previous.evaluationId}, run ${doc.previous.runSeq}` : null,
      ],
      [
        'Uncertainty 不确定性分析',
        doc.uncertainty
          ? `${doc.uncertainty.completed} of ${doc.uncertainty.runs} replications, seed ${doc.uncertainty.seed}`
          : null,
      ],
      ...doc.notes.map((n) => ['Note 说明', n]),
      ...(prov.summary ? [['Note 说明', prov.summary.note]] : []),
      [],
      ['Zone ID', 'Spreadsheet 填报表格', 'Revision used 所用版本', 'Status 状态'],
      ...doc.zones.map((z) => [z.zoneId, z.quality.spreadsheetId, z.quality.revision, z.quality.status]),
    ],
    formats: {},
    fills: [],
  };

  const provenance: ResultsTab = {
    ...T.provenance,
    frozenRows: 1,
    rows: [prov.summary ? [...PROVENANCE_HEADER, prov.summary.note] : [...PROVENANCE_HEADER], ...prov.rows],
    formats: { 3: 'rank' },
    fills: [],
  };

  // Scores in ranking order, one column per grade, so that each grade is its own series with its own colour.
  const chart: ResultsTab = {
    ...T.chart,
    frozenRows: 1,
    rows: [
      ['Zone', ...doc.grades.map((g) => [g.code, g.label].filter(Boolean).join(' '))],
      ...doc.zones
        .filter((z) => z.score !== null)
        .map((z) => [z.nameEn || z.zoneId, ...doc.grades.map((g) => (z.grade === g.code ? z.score : null))]),
    ],
    formats: Object.fromEntries(doc.grades.map((_, k) => [k + 1, 'score'])),
    fills: [],
    spareColumns: CHART_GAP + 1,
  };
  return [
    ranking,
    dimensions,
    indicators,
    nextGrade,
    uncertainty,
    quality,
    methodology,
    run,
    provenance,
    chart,
  ];
}

// ---- requests ----

/** What the spreadsheet holds now, as a `spreadsheets.get` with `STRUCTURE_FIELDS` returns it. */
export type SheetStructure = {
  sheets: { sheetId: number; title: string; index: number; rowCount: number; columnCount: number }[];
  chartIds: number[];
};

/** The field mask of the structure read: tab properties and chart ids, no cells. */
export const STRUCTURE_FIELDS =
  'sheets(properties(sheetId,title,index,gridProperties(rowCount,columnCount)),charts(chartId))';

function rgb(hex: string): sheets_v4.Schema$Color {
  const n = Number.parseInt(hex.slice(1), 16);
  return { red: ((n >> 16) & 255) / 255, green: ((n >> 8) & 255) / 255, blue: (n & 255) / 255 };
}

const NUMBER_FORMATS: Record<ColumnFormat, sheets_v4.Schema$NumberFormat> = {
  score: { type: 'NUMBER', pattern: '0.00' },
  rank: { type: 'NUMBER', pattern: '0' },
  percent: { type: 'PERCENT', pattern: '0%' },
  number: { type: 'NUMBER', pattern: '#,##0.####' },
  change: { type: 'NUMBER', pattern: '+0;-0;0' },
};

/** The grid a tab is given: its rows (at least two, so a header can be frozen) and its widest row. */
export function tabGrid(tab: ResultsTab) {
  return {
    rowCount: Math.max(2, tab.rows.length),
    columnCount: Math.max(1, ...tab.rows.map((r) => r.length)) + (tab.spareColumns ?? 0),
  };
}

/**
 * Columns whose every cell below the header is a number or empty: they go out as pasted text (about a tenth of the
 * bytes of `updateCells`' JSON, which keeps 2,000 zones x 48 indicators under the API's 10 MB request limit).
 * Never a column holding text: pasted text is interpreted as typed, and text from people must stay text.
 */
export function numericColumns(tab: ResultsTab): number[] {
  if (tab.frozenRows === 0 || tab.rows.length <= tab.frozenRows) return [];
  const width = Math.max(...tab.rows.map((r) => r.length));
  const out: number[] = [];
  for (let c = 0; c < width; c++) {
    let numbers = 0;
    let other = false;
    for (let r = tab.frozenRows; r < tab.rows.length && !other; r++) {
      const v = tab.rows[r]![c] ?? null;
      if (typeof v === 'number' && Number.isFinite(v)) numbers++;
      else if (v !== null) other = true;
    }
    if (!other && numbers > 0) out.push(c);
  }
  return out;
}

function cellsOf(tab: ResultsTab, pasted: ReadonlySet<number>): sheets_v4.Schema$RowData[] {
  const fill = new Map(tab.fills.map((f) => [`${f.row}:${f.col}`, f.colour]));
  return tab.rows.map((row, r) => ({
    values: row.map((v, c) => {
      const cell: sheets_v4.Schema$CellData = {};
      const header = r < tab.frozenRows;
      const ev = !header && pasted.has(c) ? undefined : extendedValue(v);
      if (ev !== undefined) cell.userEnteredValue = ev;
      const colour = fill.get(`${r}:${c}`);
      if (header) cell.userEnteredFormat = { textFormat: { bold: true } };
      else if (colour !== undefined) cell.userEnteredFormat = { backgroundColor: rgb(colour) };
      return cell;
    }),
  }));
}

/** One `pasteData` per run of adjacent numeric columns, below the header; plain decimal text, tab-delimited. */
function pasteRequests(tab: ResultsTab, columns: readonly number[]): sheets_v4.Schema$Request[] {
  const runs: number[][] = [];
  for (const c of columns) {
    const last = runs.at(-1);
    if (last && last.at(-1) === c - 1) last.push(c);
    else runs.push([c]);
  }
  return runs.map((run) => ({
    pasteData: {
      coordinate: { sheetId: tab.id, rowIndex: tab.frozenRows, columnIndex: run[0]! },
      data: tab.rows
        .slice(tab.frozenRows)
        .map((row) =>
          run
            .map((c) => {
              const v = row[c];
              return typeof v === 'number' ? String(v) : '';
            })
            .join('\t'),
        )
        .join('\n'),
      type: 'PASTE_VALUES',
      delimiter: '\t',
    },
  }));
}

/** The chart: a stacked column per zone, one series (one colour) per grade, from the Chart tab. */
export function chartSpec(doc: ResultsDoc, tab: ResultsTab): sheets_v4.Schema$ChartSpec {
  const colours = gradeColours(doc);
  const rows = tab.rows.length;
  const column = (c: number): sheets_v4.Schema$ChartData => ({
    sourceRange: {
      sources: [
        { sheetId: tab.id, startRowIndex: 0, endRowIndex: rows, startColumnIndex: c, endColumnIndex: c + 1 },
      ],
    },
  });
  return {
    title: 'Scores by grade 各试验区得分（按等级）',
    basicChart: {
      chartType: 'COLUMN',
      stackedType: 'STACKED',
      legendPosition: 'TOP_LEGEND',
      headerCount: 1,
      axis: [
        { position: 'BOTTOM_AXIS', title: 'Zone 试验区' },
        { position: 'LEFT_AXIS', title: 'Score 得分' },
      ],
      domains: [{ domain: column(0) }],
      series: doc.grades.map((g, k) => {
        const colour = rgb(colours.get(g.code)!);
        return { series: column(k + 1), targetAxis: 'LEFT_AXIS', colorStyle: { rgbColor: colour } };
      }),
    },
  };
}

/**
 * The requests of one publish. With `structure` null the spreadsheet is assumed to hold every tab and the chart
 * (it was published before): the batch then only updates, and a person's change (a deleted tab or chart, a tab
 * renamed onto one of ours) makes Sheets refuse it whole, and the caller reads the structure and calls again.
 * With the structure known the batch also adds what is missing and moves aside a person's tab that holds one of
 * our titles, so it succeeds.
 */
export function resultsRequests(
  doc: ResultsDoc,
  structure: SheetStructure | null,
): sheets_v4.Schema$Request[] {
  const tabs = resultsTabs(doc);
  const requests: sheets_v4.Schema$Request[] = [];
  const existing = new Map(structure?.sheets.map((s) => [s.sheetId, s]) ?? []);
  const has = (id: number) => structure === null || existing.has(id);

  if (structure !== null) {
    const titles = new Set(tabs.map((t) => t.title.toLowerCase()));
    // Titles are unique per spreadsheet (case-insensitively): first move every clash out of the way. A person's tab
    // holding one of our titles is renamed (never deleted: it is their work); ours with a wrong title get a
    // temporary one, so that renames between our own tabs cannot collide.
    for (const s of structure.sheets) {
      const want = tabs.find((t) => t.id === s.sheetId)?.title;
      let title: string | null = null;
      if (want !== undefined) title = s.title === want ? null : `zone-eval ${s.sheetId}`;
      else if (titles.has(s.title.toLowerCase())) title = `${s.title} (${s.sheetId})`;
      if (title !== null)
        requests.push({
          updateSheetProperties: { properties: { sheetId: s.sheetId, title }, fields: 'title' },
        });
    }
  }

  tabs.forEach((tab, index) => {
    const grid = tabGrid(tab);
    const pasted = new Set(numericColumns(tab));
    const gridProperties = { ...grid, frozenRowCount: tab.frozenRows };
    if (has(tab.id)) {
      requests.push({
        updateSheetProperties: {
          properties: { sheetId: tab.id, title: tab.title, index, gridProperties },
          fields:
            'title,index,gridProperties.rowCount,gridProperties.columnCount,gridProperties.frozenRowCount',
        },
      });
    } else {
      requests.push({
        addSheet: { properties: { sheetId: tab.id, title: tab.title, index, gridProperties } },
      });
    }
    requests.push({
      updateCells: {
        range: {
          sheetId: tab.id,
          startRowIndex: 0,
          endRowIndex: grid.rowCount,
          startColumnIndex: 0,
          endColumnIndex: grid.columnCount,
        },
        rows: cellsOf(tab, pasted),
        fields: 'userEnteredValue,userEnteredFormat',
      },
    });
    requests.push(...pasteRequests(tab, [...pasted]));
    for (const [col, format] of Object.entries(tab.formats)) {
      const c = Number(col);
      if (c >= grid.columnCount || tab.rows.length <= tab.frozenRows) continue;
      requests.push({
        repeatCell: {
          range: {
            sheetId: tab.id,
            startRowIndex: Math.max(1, tab.frozenRows),
            endRowIndex: grid.rowCount,
            startColumnIndex: c,
            endColumnIndex: c + 1,
          },
          cell: { userEnteredFormat: { numberFormat: NUMBER_FORMATS[format] } },
          fields: 'userEnteredFormat.numberFormat',
        },
      });
    }
  });

  const chartTab = tabs.find((t) => t.id === RESULTS_TABS.chart.id)!;
  const spec = chartSpec(doc, chartTab);
  const chartExists =
    structure === null ||
    (structure.chartIds.includes(RESULTS_CHART_ID) && existing.has(RESULTS_TABS.chart.id));
  if (chartExists) requests.push({ updateChartSpec: { chartId: RESULTS_CHART_ID, spec } });
  else
    requests.push({
      addChart: {
        chart: {
          chartId: RESULTS_CHART_ID,
          spec,
          position: {
            overlayPosition: {
              anchorCell: {
                sheetId: chartTab.id,
                rowIndex: 0,
                columnIndex: doc.grades.length + 1 + CHART_GAP,
              },
              widthPixels: 960,
              heightPixels: 480,
            },
          },
        },
      },
    });
  return requests;
}

/** Reads a structure answer (`spreadsheets.get` with `STRUCTURE_FIELDS`). */
export function structureOf(data: sheets_v4.Schema$Spreadsheet): SheetStructure {
  const sheets: SheetStructure['sheets'] = [];
  const chartIds: number[] = [];
  for (const s of data.sheets ?? []) {
    const p = s.properties;
    if (p?.sheetId == null || p.title == null) continue;
    sheets.push({
      sheetId: p.sheetId,
      title: p.title,
      index: p.index ?? 0,
      rowCount: p.gridProperties?.rowCount ?? 0,
      columnCount: p.gridProperties?.columnCount ?? 0,
    });
    for (const c of s.charts ?? []) if (c.chartId != null) chartIds.push(c.chartId);
  }
  return { sheets, chartIds };
}

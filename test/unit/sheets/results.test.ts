import type { sheets_v4 } from '@googleapis/sheets';
import type { MethodologyInput } from '../../../lib/core/methodology';
import {
  buildResults,
  describeNormalise,
  ResultsDocSchema,
  type ZoneInput,
} from '../../../lib/pipeline/results';
import {
  missingText,
  numericColumns,
  PROVENANCE_BUDGET_BYTES,
  PROVENANCE_HEADER,
  provenanceBytes,
  provenanceRows,
  RESULTS_CHART_ID,
  RESULTS_TABS,
  resultsRequests,
  resultsTabs,
  type SheetStructure,
  structureOf,
} from '../../../lib/sheets/results';
import { syntheticDoc, tinyDoc, tinyInputs, tinyMethodology } from '../../helpers/results';

const FORMULA = '=IMPORTXML("http://example.com","//a")';
const kinds = (rs: sheets_v4.Schema$Request[]) => rs.map((r) => Object.keys(r)[0]);
const tab = (title: string) => resultsTabs(tinyDoc()).find((t) => t.title === title)!;
/** The publish's request body in UTF-8 bytes, which Google's limit counts. */
const requestBytes = (doc: ReturnType<typeof tinyDoc>) =>
  Buffer.byteLength(JSON.stringify({ requests: resultsRequests(doc, null) }));
/** Each zone's values entered `revisions(i)` edits apart, one indicator after another, a minute apart. */
function editedOneByOne(doc: ReturnType<typeof tinyDoc>, revisions: (zone: number) => number) {
  const codes = doc.indicators.map((i) => i.code);
  doc.zones.forEach((z, i) => {
    const n = revisions(i);
    z.provenance = Array.from({ length: n }, (_, k) => ({
      revision: k + 1,
      by: `official@${i}`,
      at: `2025-03-01T08:${String(k).padStart(2, '0')}:00.000Z`,
      indicators: codes.filter((_, j) => j % n === k),
    }));
  });
  return doc;
}

describe('results document', () => {
  test('every mapped zone is listed, ranked ones best first, the zone without a submission last and unranked', () => {
    const doc = tinyDoc();
    expect(doc.zones.map((z) => z.zoneId)).toEqual(['z4', 'z3', 'z2', 'z1', 'z5']);
    expect(doc.zones.map((z) => z.rank)).toEqual([1, 2, 3, 4, null]);
    expect(doc.zones.map((z) => z.grade)).toEqual(['A', 'B', 'C', 'D', null]);
    const z5 = doc.zones.at(-1)!;
    // Central data still reaches it, so it is screened in with one value of three.
    expect(z5.quality).toMatchObject({ status: 'no-submission', missing: ['X1', 'X2'], revision: null });
    const z1 = doc.zones.find((z) => z.zoneId === 'z1')!;
    expect(z1.quality).toMatchObject({ status: 'submitted', refused: ['X2'], lastEditor: 'official@z1' });
  });

  test('the next grade names an indicator and a value, and uncertainty gives each grade a probability', () => {
    const z2 = tinyDoc().zones.find((z) => z.zoneId === 'z2')!;
    expect(z2.nextGrade).toMatchObject({ grade: 'B' });
    expect(['X1', 'X2', 'X3']).toContain(z2.nextGrade!.indicator);
    const p = Object.values(z2.uncertainty!.grades).reduce((a, b) => a + b, 0);
    expect(p).toBeCloseTo(1, 9);
  });
});

/** The tiny evaluation with z2's X1 left blank, under `extra` methodology settings. */
function blankDoc(extra: Partial<MethodologyInput> = {}, fill?: number) {
  const inputs: ZoneInput[] = tinyInputs().map((x) =>
    x.zone.zoneId === 'z2'
      ? {
          ...x,
          values: { ...x.values, X1: { value: fill ?? null, text: fill === undefined ? '' : String(fill) } },
        }
      : x,
  );
  return buildResults({
    evaluationId: 'tiny',
    runSeq: 1,
    inputHash: 'hash',
    methodologyVersion: 'v1',
    createdAt: '2025-03-02T08:00:00.000Z',
    m: tinyMethodology(extra),
    inputs,
    previous: null,
  });
}
const zone = (doc: ReturnType<typeof tinyDoc>, id: string) => doc.zones.find((z) => z.zoneId === id)!;

describe('missing-value costs in the results document', () => {
  test('a scored zone with a blank gets, per missing value, how it was scored, the median tried and the points', () => {
    const doc = blankDoc();
    const cost = zone(doc, 'z2').quality.missingCost!;
    // The median of X1 over the zones scored (z1 10, z3 20, z4 25); without imputation the blank is left out.
    expect(cost.values).toEqual([
      { indicator: 'X1', scoredAs: 'left out', median: 20, points: expect.any(Number) },
    ]);
    expect(zone(doc, 'z2').quality.missing).toEqual(['X1']);
  });

  test('the points are the score the zone would have with the median reported instead of the blank', () => {
    const blank = zone(blankDoc({ impute: { method: 'none', missing: 'worst' } }), 'z2');
    const reported = zone(blankDoc({ impute: { method: 'none', missing: 'worst' } }, 20), 'z2');
    const cost = blank.quality.missingCost!;
    expect(cost.values[0]!.scoredAs).toBe('worst');
    // Scored at the bottom of the range, the blank costs the zone: positive points, one value so alone = all.
    expect(cost.values[0]!.points!).toBeGreaterThan(0);
    expect(cost.values[0]!.points!).toBeCloseTo(reported.score! - blank.score!, 6);
    expect(cost.points!).toBeCloseTo(reported.score! - blank.score!, 6);
    expect(cost.grade).toBe(reported.grade);
  });

  test('a zone with every value, or one kept out by the screen, has no cost recorded', () => {
    const doc = blankDoc();
    expect(zone(doc, 'z3').quality).not.toHaveProperty('missingCost');
    // z5 lacks two values of three and is screened out: not scored, so not explained either.
    expect(zone(doc, 'z5').quality.missing).toEqual(['X1', 'X2']);
    expect(zone(doc, 'z5').quality).not.toHaveProperty('missingCost');
  });

  test('a run stored before the costs were recorded still reads', () => {
    const doc = blankDoc();
    const old = structuredClone(doc);
    for (const z of old.zones) delete z.quality.missingCost;
    expect(ResultsDocSchema.parse(old).zones.map((z) => z.quality.missingCost)).toEqual(
      Array(5).fill(undefined),
    );
    expect(ResultsDocSchema.parse(JSON.parse(JSON.stringify(doc)))).toEqual(doc);
  });
});

describe('results tabs', () => {
  test('Next grade: a zone the search had no time for says so, and the Run tab gives the note', () => {
    const doc = tinyDoc();
    const z = doc.zones.find((x) => x.zoneId === 'z3')!;
    z.nextGrade = null;
    z.nextGradeNotComputed = true;
    doc.notes.push('the next-grade search stopped after 20 s: 1 zones have no next grade computed');
    const tabs = resultsTabs(doc);
    const row = tabs.find((t) => t.title === 'Next grade')!.rows.find((r) => r[1] === 'Zone 3')!;
    expect(row[4]).toBe('not computed (time budget) 未计算');
    const others = tabs
      .find((t) => t.title === 'Next grade')!
      .rows.slice(1)
      .filter((r) => r !== row);
    expect(others.every((r) => r[4] !== 'not computed (time budget) 未计算')).toBe(true);
    expect(
      tabs.find((t) => t.title === 'Run')!.rows.some((r) => String(r[1]).includes('next-grade search')),
    ).toBe(true);
  });

  test('Ranking: rank, names, province, batch, score, grade, change against last year, rank interval', () => {
    const doc = tinyDoc({
      evaluationId: 'last',
      runSeq: 9,
      year: 2024,
      zones: new Map([
        ['z4', { rank: 2, score: 50, grade: 'B' }],
        ['z3', { rank: 1, score: 60, grade: 'A' }],
      ]),
    });
    const ranking = resultsTabs(doc)[0]!;
    expect(ranking.title).toBe('Ranking');
    expect(ranking.rows[0]).toHaveLength(15);
    const [z4, z3, z2] = ranking.rows.slice(1);
    expect(z4!.slice(0, 5)).toEqual([1, 'Zone 4', '试验区4', 'Henan', 4]);
    expect(z4![6]).toBe('A');
    expect(z4![7]).toBe('Obvious');
    expect(z4![9]).toBe(1); // up one place
    expect(z4![10]).toBe('up from B 升');
    expect(z3![9]).toBe(-1);
    expect(z3![10]).toBe('down from A 降');
    expect(z2![10]).toBe('new 新进');
    expect(ranking.fills).toContainEqual({ row: 1, col: 6, colour: '#1a9850' });
    // A grade without a colour takes the default palette's.
    expect(ranking.fills.find((f) => f.row === 3)?.colour).toBe('#fee08b');
    expect(ranking.frozenRows).toBe(1);
  });

  test('without a previous year the change columns are empty, not zero', () => {
    const ranking = tab('Ranking');
    expect(ranking.rows.slice(1).map((r) => [r[9], r[10]])).toEqual(Array(5).fill([null, null]));
  });

  test('Data quality lists availability, missing and refused values, and the last accepted edit and who', () => {
    const rows = tab('Data quality').rows;
    const z1 = rows.find((r) => r[0] === 'z1')!;
    expect(z1.slice(3, 14)).toEqual([
      'submitted',
      1,
      null,
      null,
      null,
      'X2',
      1,
      '2025-03-01T08:00:00.000Z',
      'official@z1',
      'yes',
      null,
    ]);
    // Screened out, so not scored: its missing values are named, with no cost.
    expect(rows.find((r) => r[0] === 'z5')!.slice(3, 8)).toEqual([
      'no-submission',
      0.3333333333,
      'X1, X2',
      null,
      null,
    ]);
  });

  test('Data quality gives each missing value the points it cost and how it was scored, then all of them and the grade', () => {
    const doc = blankDoc({ impute: { method: 'none', missing: 'worst' } });
    const cost = zone(doc, 'z2').quality.missingCost!;
    const quality = resultsTabs(doc).find((t) => t.id === RESULTS_TABS.quality.id)!;
    expect(quality.rows[0]!.slice(5, 8)).toEqual([
      'Missing: points each cost at the median, how scored 缺失指标：按中位数计的失分、计分方式',
      'Points all missing cost 缺失总失分',
      'Grade at the median 按中位数填报的等级',
    ]);
    const z2 = quality.rows.find((r) => r[0] === 'z2')!;
    expect(z2.slice(5, 8)).toEqual([
      `X1: ${cost.values[0]!.points!.toFixed(2)} (worst)`,
      cost.points,
      cost.grade,
    ]);
    expect(cost.points).toBeGreaterThan(0);
    // The total is a number column with two decimals; the text stays text, never pasted.
    expect(quality.formats[6]).toBe('score');
    expect(numericColumns(quality)).toContain(6);
    expect(numericColumns(quality)).not.toContain(5);
  });

  test('a missing value without a median, or a run stored before the costs, still reads in words', () => {
    const doc = blankDoc();
    const q = zone(doc, 'z2').quality;
    q.missingCost!.values = [
      { indicator: 'X1', scoredAs: 'left out', median: 20, points: -0.5 },
      { indicator: 'X9', scoredAs: null, median: null, points: null },
    ];
    expect(missingText(q)).toBe('X1: -0.50 (left out), X9: no median');
    delete q.missingCost;
    expect(missingText(q)).toBe('X1');
  });

  test('Methodology and Run tabs state versions, steps, weights and the revision of every zone used', () => {
    const methodology = tab('Methodology').rows;
    expect(methodology[0]).toEqual(['Methodology version 方法版本', 'v1']);
    expect(methodology.map((r) => r[0])).toEqual(expect.arrayContaining(['normalise', 'weight', 'grade']));
    expect(methodology.find((r) => r[0] === 'X2')).toEqual(['X2', 'indicator', 'D1', 0.6666666667]);
    const run = tab('Run').rows;
    expect(run.find((r) => r[0] === 'Run 运行编号')).toEqual(['Run 运行编号', 3]);
    expect(run.find((r) => r[0] === 'Input hash 输入摘要')).toEqual(['Input hash 输入摘要', 'hash']);
    expect(run.find((r) => r[0] === 'z3')).toEqual(['z3', 'sheet-z3', 3, 'submitted']);
  });

  test('the methodology summary gives each normalisation the parameters it reads: no range for z-scores', () => {
    const steps = (normalise: MethodologyInput['normalise']) =>
      blankDoc({ normalise }).steps.find((x) => x.step === 'normalise')!.method;
    expect(steps({ method: 'zscore', mean: 50, sd: 10 })).toBe('zscore to mean 50, sd 10');
    expect(steps({ method: 'zscore' })).toBe('zscore to mean 0, sd 1');
    expect(steps({ method: 'minmax', range: [1, 10] })).toBe('minmax to [1, 10]');
    expect(steps({ method: 'rank' })).toBe('rank to [0, 100]');
    expect(steps({ method: 'distmax' })).toBe('distmax (share of the best value) to [0, 100]');
    expect(steps({ method: 'vector' })).toBe('vector (each column divided by its Euclidean norm)');
    expect(describeNormalise({ method: 'goalposts', range: [0, 1], mean: 0, sd: 1 })).toBe(
      "goalposts (each indicator's) to [0, 1]",
    );
    expect(describeNormalise({ method: 'target', range: [0, 100], mean: 0, sd: 1 })).toBe(
      "target (each indicator's) to [0, 100]",
    );
    expect(describeNormalise({ method: 'none', range: [0, 100], mean: 0, sd: 1 })).toBe(
      'none (values as they are, direction applied)',
    );
  });

  test('Provenance: a row per zone and revision that entered values in use, with who, when and the indicators', () => {
    const doc = tinyDoc();
    const z1 = doc.zones.find((z) => z.zoneId === 'z1')!;
    z1.provenance = [
      { revision: 1, by: 'first@z1', at: '2025-03-01T08:00:00.000Z', indicators: ['X1'] },
      { revision: 2, by: FORMULA, at: '2025-03-02T08:00:00.000Z', indicators: ['X2'] },
      { revision: null, by: 'central:customs', at: '2025-03-01T09:00:00.000Z', indicators: ['X3'] },
    ];
    const prov = resultsTabs(doc).find((t) => t.id === RESULTS_TABS.provenance.id)!;
    expect(prov.title).toBe('Provenance');
    expect(prov.rows[0]).toEqual([...PROVENANCE_HEADER]);
    // Only zones with provenance have rows (a run stored before it was recorded has none).
    expect(prov.rows.slice(1).map((r) => [r[0], r[3], r[4], r[6]])).toEqual([
      ['z1', 1, 'first@z1', 'X1'],
      ['z1', 2, FORMULA, 'X2'],
      ['z1', null, 'central:customs', 'X3'],
    ]);
    // The revision column is numbers (pasted); who entered it is text from people, written as a string.
    expect(numericColumns(prov)).toEqual([3]);
    // A spreadsheet published before the tab existed gets it added, under its fixed id.
    const requests = resultsRequests(doc, { sheets: [], chartIds: [] });
    expect(
      requests.find((r) => r.addSheet?.properties?.sheetId === RESULTS_TABS.provenance.id),
    ).toBeDefined();
    const cells = requests.find((r) => r.updateCells?.range?.sheetId === RESULTS_TABS.provenance.id)!;
    expect(cells.updateCells!.rows![2]!.values![4]!.userEnteredValue).toEqual({ stringValue: FORMULA });
  });

  test('Provenance past its budget: the zones with the most revisions get one row, the others and central tabs keep theirs', () => {
    const doc = tinyDoc();
    const groups = (n: number) =>
      Array.from({ length: n }, (_, k) => ({
        revision: k + 1,
        by: `o${k}`,
        at: `2025-03-0${k + 1}T08:00:00.000Z`,
        indicators: [`X${k + 1}`],
      }));
    const central = {
      revision: null,
      by: 'central:customs',
      at: '2025-03-01T09:00:00.000Z',
      indicators: ['X3'],
    };
    const [z4, z3, z2] = doc.zones;
    z4!.provenance = [...groups(3), central];
    z3!.provenance = groups(2);
    z2!.provenance = groups(1);
    const full = provenanceRows(doc, Number.POSITIVE_INFINITY);
    expect(full.summary).toBeNull();
    expect(full.rows).toHaveLength(7);
    // A budget one byte short of every row: only z4, the zone with more than 2 revisions, is cut.
    const all = full.rows.reduce((n, r) => n + provenanceBytes(r), 0);
    const cut = provenanceRows(doc, all - 1);
    expect(cut.summary).toMatchObject({ threshold: 2, zones: 1 });
    expect(cut.rows.map((r) => [r[0], r[3], r[4], r[6]])).toEqual([
      ['z4', 3, 'o2', '3 revisions: zone-eval trace --evaluation tiny --zone z4 lists each value'],
      ['z4', null, 'central:customs', 'X3'],
      ['z3', 1, 'o0', 'X1'],
      ['z3', 2, 'o1', 'X2'],
      ['z2', 1, 'o0', 'X1'],
    ]);
    // A budget nothing fits: every zone one row of its revisions, never fewer.
    expect(provenanceRows(doc, 0).rows.map((r) => [r[0], r[3]])).toEqual([
      ['z4', 3],
      ['z4', null],
      ['z3', 2],
      ['z2', 1],
    ]);
    expect(provenanceRows(doc, 0).summary).toMatchObject({ threshold: 1, zones: 2 });
  });

  test('at 2,000 zones x 48 indicators, with provenance and missing-value costs, the publish stays one batchUpdate under the 10 MB request limit', () => {
    const doc = syntheticDoc(2000, 48);
    expect(doc.zones.every((z) => z.provenance?.length === 2)).toBe(true);
    expect(doc.zones.filter((z) => z.quality.missingCost).length).toBe(667);
    // Google's and the emulator's limit: "Request payload size exceeds the limit: 10485760 bytes."
    expect(requestBytes(doc)).toBeLessThan(9_000_000);
    // Two revisions per zone fit the budget: every row kept, no note.
    const prov = resultsTabs(doc).find((t) => t.id === RESULTS_TABS.provenance.id)!;
    expect(prov.rows).toHaveLength(4001);
    expect(prov.rows[0]).toEqual([...PROVENANCE_HEADER]);
    // Far below the 10 million cells a spreadsheet holds, all tabs together.
    const cells = resultsTabs(doc).reduce(
      (n, t) => n + t.rows.length * Math.max(...t.rows.map((r) => r.length)),
      0,
    );
    expect(cells).toBeLessThan(1_000_000);
  });

  test('at 2,000 zones x 48 indicators, officials entering each value as its own revision, the publish stays under the limit: one row per zone, a note says so', () => {
    const doc = editedOneByOne(syntheticDoc(2000, 48), () => 48);
    // A row per revision would be 96,000 rows, 36.8 MB of request.
    expect(provenanceRows(doc, Number.POSITIVE_INFINITY).rows).toHaveLength(96_000);
    const bytes = requestBytes(doc);
    expect(bytes).toBeLessThan(9_000_000);
    const prov = resultsTabs(doc).find((t) => t.id === RESULTS_TABS.provenance.id)!;
    expect(prov.rows).toHaveLength(2001);
    expect(prov.rows[0]!.slice(0, 7)).toEqual([...PROVENANCE_HEADER]);
    expect(prov.rows[0]![7]).toMatch(
      /^Summarised 摘要: .* the 2000 zones with more than 1 revision have one row each/,
    );
    expect(prov.rows[1]).toEqual([
      'Z0000',
      'Zone 0',
      '试验区0',
      48,
      'official@0',
      '2025-03-01T08:47:00.000Z',
      '48 revisions: zone-eval trace --evaluation tiny --zone Z0000 lists each value',
    ]);
    const run = resultsTabs(doc).find((t) => t.id === RESULTS_TABS.run.id)!;
    expect(run.rows).toContainEqual(['Note 说明', prov.rows[0]![7]]);
  });

  test('the worst case the budget allows, rows just within it, stays under the limit at 2,000 zones x 48 indicators', () => {
    // Three revisions per zone exceed the budget; a zone in three at 1,000 more keeps the tab just within it.
    const doc = editedOneByOne(syntheticDoc(2000, 48), (i) => (i % 3 === 0 ? 48 : 3));
    const { rows, summary } = provenanceRows(doc);
    expect(summary).toMatchObject({ threshold: 3, zones: 667 });
    const used = rows.reduce((n, r) => n + provenanceBytes(r), 0);
    expect(used).toBeLessThanOrEqual(PROVENANCE_BUDGET_BYTES);
    expect(used).toBeGreaterThan(PROVENANCE_BUDGET_BYTES * 0.8);
    expect(requestBytes(doc)).toBeLessThan(9_000_000);
  });

  test('the chart tab has one column per grade, each zone scored in its grade column only', () => {
    const chart = tab('Chart');
    expect(chart.rows[0]).toEqual(['Zone', 'A Obvious', 'B Good', 'C Initial', 'D Starting']);
    const z4 = chart.rows[1]!;
    expect(z4[1]).toEqual(expect.any(Number));
    expect(z4.slice(2)).toEqual([null, null, null]);
  });
});

describe('results requests', () => {
  test('a spreadsheet published before gets updates only, and the chart spec replaced under its fixed id', () => {
    const requests = resultsRequests(tinyDoc(), null);
    expect(kinds(requests)).not.toContain('addSheet');
    expect(kinds(requests)).not.toContain('addChart');
    expect(requests.at(-1)).toEqual({
      updateChartSpec: { chartId: RESULTS_CHART_ID, spec: expect.any(Object) },
    });
    const props = requests.flatMap((r) => (r.updateSheetProperties ? [r.updateSheetProperties] : []));
    expect(props.map((p) => p.properties!.sheetId)).toEqual(Object.values(RESULTS_TABS).map((t) => t.id));
    expect(props[0]!.properties).toMatchObject({
      title: 'Ranking',
      index: 0,
      gridProperties: { rowCount: 6, columnCount: 15, frozenRowCount: 1 },
    });
  });

  test('strings are always stringValue, so a zone named like a formula is written as text', () => {
    const requests = resultsRequests(tinyDoc(), null);
    const cells = requests.flatMap((r) => r.updateCells?.rows?.flatMap((row) => row.values ?? []) ?? []);
    const named = cells.filter((c) => JSON.stringify(c).includes('IMPORTXML'));
    expect(named.length).toBeGreaterThan(0);
    for (const c of named) {
      expect(c.userEnteredValue).toEqual({ stringValue: FORMULA });
    }
    expect(cells.some((c) => c.userEnteredValue?.formulaValue !== undefined)).toBe(false);
  });

  test('numeric columns are pasted as decimal text below the header; columns with any text never are', () => {
    const ranking = tab('Ranking');
    // Rank, batch, score, rank change, last year's rank and the rank interval: numbers or empty in every row.
    expect(numericColumns(ranking)).toEqual([0, 4, 5, 13, 14]);
    const requests = resultsRequests(tinyDoc(), null);
    const pastes = requests.filter((r) => r.pasteData?.coordinate?.sheetId === RESULTS_TABS.ranking.id);
    expect(pastes.map((r) => r.pasteData!.coordinate)).toEqual([
      { sheetId: RESULTS_TABS.ranking.id, rowIndex: 1, columnIndex: 0 },
      { sheetId: RESULTS_TABS.ranking.id, rowIndex: 1, columnIndex: 4 },
      { sheetId: RESULTS_TABS.ranking.id, rowIndex: 1, columnIndex: 13 },
    ]);
    const rankScore = pastes[1]!.pasteData!;
    expect(rankScore).toMatchObject({ type: 'PASTE_VALUES', delimiter: '\t' });
    const lines = rankScore.data!.split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^4\t\d+(\.\d+)?$/);
    // The unscored zone's score is empty, never 0.
    expect(lines[4]).toBe('5\t');
    for (const p of requests.filter((r) => r.pasteData)) expect(p.pasteData!.data).not.toMatch(/[=A-Za-z]/);
  });

  test('every tab is rewritten whole: one updateCells over the grid clears what a shorter ranking leaves', () => {
    const requests = resultsRequests(tinyDoc(), null);
    const ranking = requests.find((r) => r.updateCells?.range?.sheetId === RESULTS_TABS.ranking.id)!;
    expect(ranking.updateCells).toMatchObject({
      range: { startRowIndex: 0, endRowIndex: 6, startColumnIndex: 0, endColumnIndex: 15 },
      fields: 'userEnteredValue,userEnteredFormat',
    });
    const formats = requests.filter((r) => r.repeatCell?.range?.sheetId === RESULTS_TABS.ranking.id);
    expect(formats.find((r) => r.repeatCell!.range!.startColumnIndex === 5)?.repeatCell).toMatchObject({
      range: { startRowIndex: 1, endRowIndex: 6 },
      cell: { userEnteredFormat: { numberFormat: { type: 'NUMBER', pattern: '0.00' } } },
      fields: 'userEnteredFormat.numberFormat',
    });
  });

  test('with the structure read, missing tabs and the chart are added and clashing titles moved aside', () => {
    const structure: SheetStructure = {
      sheets: [
        { sheetId: 0, title: 'About', index: 0, rowCount: 1000, columnCount: 26 },
        // A person's own tab took our title; our Ranking tab was renamed.
        { sheetId: 77, title: 'Dimensions', index: 1, rowCount: 10, columnCount: 5 },
        { sheetId: RESULTS_TABS.ranking.id, title: 'Mine', index: 2, rowCount: 6, columnCount: 15 },
      ],
      chartIds: [],
    };
    const requests = resultsRequests(tinyDoc(), structure);
    expect(requests.slice(0, 2)).toEqual([
      { updateSheetProperties: { properties: { sheetId: 77, title: 'Dimensions (77)' }, fields: 'title' } },
      {
        updateSheetProperties: {
          properties: { sheetId: RESULTS_TABS.ranking.id, title: `zone-eval ${RESULTS_TABS.ranking.id}` },
          fields: 'title',
        },
      },
    ]);
    expect(kinds(requests).filter((k) => k === 'addSheet')).toHaveLength(9);
    expect(requests.find((r) => r.updateSheetProperties?.properties?.title === 'Ranking')).toBeDefined();
    expect(requests.at(-1)!.addChart!.chart).toMatchObject({
      chartId: RESULTS_CHART_ID,
      position: { overlayPosition: { anchorCell: { sheetId: RESULTS_TABS.chart.id } } },
    });
  });

  test('the structure answer is read from tab properties and chart ids', () => {
    expect(
      structureOf({
        sheets: [
          {
            properties: {
              sheetId: 9109,
              title: 'Chart',
              index: 3,
              gridProperties: { rowCount: 5, columnCount: 2 },
            },
            charts: [{ chartId: RESULTS_CHART_ID }],
          },
        ],
      }),
    ).toEqual({
      sheets: [{ sheetId: 9109, title: 'Chart', index: 3, rowCount: 5, columnCount: 2 }],
      chartIds: [RESULTS_CHART_ID],
    });
  });
});

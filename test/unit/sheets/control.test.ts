import defaultMethodology from '../../../data/default-methodology.json';
import { compileMethodology, methodologySchema } from '../../../lib/core/methodology';
import type { ControlZone } from '../../../lib/pipeline/ports';
import { type ControlGrids, locateIssue, readControlGrids } from '../../../lib/sheets/control';
import { buildControlTabs, CONTROL_TABS } from '../../../lib/sheets/layout';
import { grid, layoutGrid, type Typed } from './helpers';

const spec = methodologySchema.parse(defaultMethodology);
const zones: ControlZone[] = [
  {
    zoneId: 'hangzhou',
    nameEn: 'Hangzhou',
    nameZh: '杭州',
    province: 'Zhejiang',
    batch: 1,
    spreadsheetId: 's-hz',
    editors: ['a@hz.gov.cn', 'b@hz.gov.cn'],
  },
  { zoneId: 'tianjin', nameEn: 'Tianjin', nameZh: '天津', province: 'Tianjin', batch: 2, editors: [] },
];

function grids(): ControlGrids {
  const tabs = buildControlTabs(spec, zones);
  const by = (t: string) => {
    const l = tabs.find((x) => x.title === t);
    return l === undefined ? null : layoutGrid(l);
  };
  return {
    zones: by(CONTROL_TABS.zones),
    indicators: by(CONTROL_TABS.indicators),
    aggregates: by(CONTROL_TABS.aggregates),
    grades: by(CONTROL_TABS.grades),
    settings: by(CONTROL_TABS.settings),
  };
}

describe('reading the control spreadsheet', () => {
  test('the tabs built from a methodology read back into the same methodology', () => {
    const out = readControlGrids('ctl', grids());
    const compiled = compileMethodology(out.methodology);

    expect(out.problems).toEqual([]);
    expect(compiled.ok).toBe(true);
    if (compiled.ok) expect(compiled.methodology.spec).toEqual(spec);
  });

  test('the zones read back with their editors as a list', () => {
    expect(readControlGrids('ctl', grids()).zones).toEqual(zones);
  });

  test('a field that does not read is a problem at its cell, and the rest of the row is kept', () => {
    const g = grids();
    g.indicators = grid('Indicators', [
      ['code', 'parent', 'weight', 'direction'],
      ['T01', 'D01', 'heavy', 'less is better'],
    ]);

    const out = readControlGrids('ctl', g);

    expect(out.problems).toEqual([
      expect.objectContaining({ kind: 'invalid-field', severity: 'error', at: 'Indicators!C2' }),
    ]);
    expect(out.problems[0]?.message).toContain('weight must be a number (found “heavy”)');
    expect(out.methodology['indicators']).toEqual([{ code: 'T01', parent: 'D01', direction: -1 }]);
  });

  test('headers match whatever their case and order', () => {
    const g = grids();
    g.aggregates = grid('Aggregates', [
      ['Weight', 'Code', '合成方法'],
      [1, 'Index', 'geometric'],
    ]);

    const out = readControlGrids('ctl', g);

    expect(out.methodology['aggregates']).toEqual([{ code: 'Index', weight: 1, method: 'geometric' }]);
    expect(out.problems).toEqual([]);
  });

  test('an unknown column is refused as an error naming the closest known column', () => {
    const g = grids();
    g.indicators = grid('Indicators', [
      ['code', 'parent', 'wieght'],
      ['T01', 'D01', 2],
    ]);

    const out = readControlGrids('ctl', g);

    expect(out.problems).toEqual([
      expect.objectContaining({ kind: 'extra-column', severity: 'error', at: 'Indicators!C:C' }),
    ]);
    expect(out.problems[0]?.message).toBe(
      'Column C of “Indicators” (“wieght”) is not a known column (did you mean “weight”?): rename it, or move it to another tab.',
    );
  });

  test('an unknown column close to no known one is refused with the list of columns', () => {
    const g = grids();
    g.aggregates = grid('Aggregates', [
      ['Weight', 'Code', 'Owner'],
      [1, 'Index', 'Wang'],
    ]);

    const out = readControlGrids('ctl', g);

    expect(out.problems).toEqual([
      expect.objectContaining({ kind: 'extra-column', severity: 'error', at: 'Aggregates!C:C' }),
    ]);
    expect(out.problems[0]?.message).toBe(
      'Column C of “Aggregates” (“Owner”) is not a known column: rename it to one of code, name_en, name_zh, parent, weight, method, or move it to another tab.',
    );
  });

  test('a column named twice is refused, naming both columns', () => {
    const g = grids();
    g.aggregates = grid('Aggregates', [
      ['code', 'weight', 'Weight 权重'],
      ['Index', 1, 2],
    ]);

    const out = readControlGrids('ctl', g);

    expect(out.problems).toEqual([
      expect.objectContaining({ kind: 'extra-column', severity: 'error', at: 'Aggregates!C:C' }),
    ]);
    expect(out.problems[0]?.message).toContain('is a second “weight” column, after column B');
  });

  test('a missing required tab is an error, a missing optional one a warning', () => {
    const g = grids();
    g.indicators = null;
    g.settings = null;

    const out = readControlGrids('ctl', g);

    expect(out.problems.map((p) => [p.kind, p.at, p.severity])).toEqual([
      ['missing-tab', 'Indicators', 'error'],
      ['missing-tab', 'Settings', 'warning'],
    ]);
  });

  test('a missing required column is an error and the tab is not read', () => {
    const g = grids();
    g.zones = grid('Zones', [
      ['name_en', 'province'],
      ['Hangzhou', 'Zhejiang'],
    ]);

    const out = readControlGrids('ctl', g);

    expect(out.zones).toEqual([]);
    expect(out.problems).toEqual([expect.objectContaining({ kind: 'missing-column', at: 'Zones!1:1' })]);
  });

  test('a repeated zone and a spreadsheet given to two zones are errors', () => {
    const g = grids();
    g.zones = grid('Zones', [
      ['zone_id', 'spreadsheet_id'],
      ['hangzhou', 's1'],
      ['hangzhou', 's2'],
      ['ningbo', 's1'],
    ]);

    const out = readControlGrids('ctl', g);

    expect(out.zones.map((z) => z.zoneId)).toEqual(['hangzhou', 'ningbo']);
    expect(out.problems.map((p) => [p.kind, p.at])).toEqual([
      ['duplicate-row', 'Zones!A3'],
      ['duplicate-row', 'Zones!A4'],
    ]);
  });

  test('settings read by key, with DESIGN’s spellings, and unknown keys are refused', () => {
    const g = grids();
    const rows: Typed[][] = [
      ['Key', 'Value'],
      ['Grade method', 'quota'],
      ['uncertainty runs', 500],
      ['seed', 7],
      ['treat.winmax', 'five'],
      ['colour scheme', 'blue'],
    ];
    g.settings = grid('Settings', rows);

    const out = readControlGrids('ctl', g);

    expect(out.methodology['uncertainty']).toEqual({ runs: 500, seed: 7 });
    expect(out.problems.map((p) => [p.kind, p.at, p.severity])).toEqual([
      ['invalid-field', 'Settings!B5', 'error'],
      ['unknown-setting', 'Settings!A6', 'error'],
    ]);
    expect(out.problems[1]?.message).toMatch(
      /^Row 6 of “Settings”: “colour scheme” is not a known setting\. Known settings: name, name_zh, year, impute, /,
    );
  });

  test('previous_evaluation names the evaluation whose published run is last year, under any of its spellings', () => {
    for (const key of ['previous_evaluation', 'Previous year', 'previous_year_evaluation']) {
      const g = grids();
      g.settings = grid('Settings', [
        ['key', 'value'],
        [key, 'pilot-2024'],
      ]);

      const out = readControlGrids('ctl', g);

      expect(out.problems).toEqual([]);
      expect(out.methodology['previousEvaluation']).toBe('pilot-2024');
    }
  });

  test('a methodology naming its previous evaluation is written to Settings and read back with it', () => {
    const tabs = buildControlTabs({ ...spec, previousEvaluation: 'pilot-2024' }, zones);
    const settings = tabs.find((t) => t.title === CONTROL_TABS.settings);
    expect(
      settings?.rows.some((r) => r[0]?.value === 'previous_evaluation' && r[1]?.value === 'pilot-2024'),
    ).toBe(true);

    const out = readControlGrids('ctl', { ...grids(), settings: layoutGrid(settings!) });

    expect(out.problems).toEqual([]);
    expect(out.methodology['previousEvaluation']).toBe('pilot-2024');
  });

  test('a misspelt setting is refused with the closest known key', () => {
    const g = grids();
    g.settings = grid('Settings', [
      ['key', 'value'],
      ['treat.winmx', 3],
    ]);

    const out = readControlGrids('ctl', g);

    expect(out.problems).toEqual([
      expect.objectContaining({ kind: 'unknown-setting', severity: 'error', at: 'Settings!A2' }),
    ]);
    expect(out.problems[0]?.message).toBe(
      'Row 2 of “Settings”: “treat.winmx” is not a known setting (did you mean “treat.winmax”?). Correct the key, or delete the row.',
    );
    expect(out.methodology['treat']).toBeUndefined();
  });

  test('a setting given twice is refused, naming the first row', () => {
    const g = grids();
    g.settings = grid('Settings', [
      ['key', 'value'],
      ['treat.winmax', 3],
      ['treat.winmax', 4],
    ]);

    const out = readControlGrids('ctl', g);

    expect(out.problems).toEqual([
      expect.objectContaining({ kind: 'duplicate-row', severity: 'error', at: 'Settings!A3' }),
    ]);
    expect(out.problems[0]?.message).toContain('sets “treat.winmax” again, after Settings!B2');
  });

  test('a misspelt unit is an issue placed on its unit cell', () => {
    const g = grids();
    g.indicators = grid('Indicators', [
      ['code', 'unit', 'parent'],
      ['T01', '100 million yuan', 'D01'],
      ['T02', '100 milion yuan', 'D01'],
    ]);
    g.aggregates = grid('Aggregates', [['code'], ['D01']]);
    const out = readControlGrids('ctl', g);
    const compiled = compileMethodology(out.methodology);
    if (compiled.ok) throw new Error('expected issues');

    expect(compiled.issues).toEqual([
      {
        path: 'indicators[1] (T02).unit',
        message:
          '`100 milion yuan` is not a known unit: `milion` is not a unit word (did you mean `100 million yuan`?)',
      },
    ]);
    expect(locateIssue(out, compiled.issues[0]!)).toBe('Indicators!B3');
  });

  test('an unknown key inside a JSON setting is an issue placed on the setting’s cell', () => {
    const g = grids();
    g.settings = grid('Settings', [
      ['key', 'value'],
      ['uncertainty.weight_noise', '{"levls": [1], "factor": 0.25}'],
    ]);
    const out = readControlGrids('ctl', g);
    const compiled = compileMethodology(out.methodology);
    if (compiled.ok) throw new Error('expected issues');

    expect(compiled.issues).toEqual([
      { path: 'uncertainty.weightNoise', message: 'unknown key `levls` (did you mean `levels`?)' },
    ]);
    expect(locateIssue(out, compiled.issues[0]!)).toBe('Settings!B2');
  });

  test('an issue of the compiled methodology is placed on its cell', () => {
    const g = grids();
    g.indicators = grid('Indicators', [
      ['code', 'parent', 'source'],
      ['T01', 'D01', 'zone'],
      ['T02', 'NOPE', 'zone'],
    ]);
    const out = readControlGrids('ctl', g);
    const compiled = compileMethodology(out.methodology);
    if (compiled.ok) throw new Error('expected issues');

    const issue = compiled.issues.find((i) => i.path.startsWith('indicators[1]'));

    expect(issue).toBeDefined();
    expect(locateIssue(out, issue!)).toBe('Indicators!B3');
  });

  test('a setting the chosen method does not read is refused at its cell, as the JSON format refuses it', () => {
    const g = grids();
    g.settings = grid('Settings', [
      ['key', 'value'],
      ['treat', 'winsorise'],
      ['treat.lambda', 0.5],
      ['normalise', 'zscore'],
      ['normalise.range_low', 1],
      ['normalise.range_high', 10],
      ['grade.gates', '[{"maxGrade": "B"}]'],
    ]);
    g.grades = grid('Grades', [
      ['code', 'count', 'share'],
      ['A', 1, 0.5],
      ['B', 1, null],
    ]);
    const out = readControlGrids('ctl', g);
    const compiled = compileMethodology(out.methodology);
    if (compiled.ok) throw new Error('expected issues');

    expect(compiled.issues.map((i) => [locateIssue(out, i), `${i.path}: ${i.message}`])).toEqual([
      [
        'Settings!B3',
        "treat.lambda: is not used by treat method 'winsorise': only 'boxcox' reads it; remove it, or choose that method",
      ],
      [
        'Settings!B5',
        "normalise.range: is not used by normalise method 'zscore': only 'minmax', 'rank', 'goalposts', 'target' or 'distmax' read it; remove it, or choose one of those methods",
      ],
      [
        'Grades!C2',
        "grade.grades[0] (A).share: is not used by grade method 'quota': only 'share' reads it; under 'quota' a grade takes `count`",
      ],
      [
        'Settings!B7',
        'grade.gates[0]: has no condition, so it would hold no zone at B: give `minAvailability` (a share above 0) or `required: true`',
      ],
    ]);
  });

  test('weights summing to zero point at the first child’s weight', () => {
    const g = grids();
    g.indicators = grid('Indicators', [
      ['code', 'parent', 'weight'],
      ['T01', 'D01', '0'],
      ['T02', 'D01', '0'],
      ['T03', 'D02', '1'],
    ]);
    g.aggregates = grid('Aggregates', [
      ['code', 'parent'],
      ['D01', 'Index'],
      ['D02', 'Index'],
      ['Index', ''],
    ]);
    const out = readControlGrids('ctl', g);
    const compiled = compileMethodology(out.methodology);
    if (compiled.ok) throw new Error('expected issues');

    const zero = compiled.issues.find((i) => /sum to zero/.test(i.message));
    expect(locateIssue(out, zero!)).toBe('Indicators!C2');
  });

  test('a second root points at the parent cell left blank', () => {
    const g = grids();
    g.indicators = grid('Indicators', [
      ['code', 'parent'],
      ['T01', 'D01'],
      ['T03', 'D02'],
    ]);
    g.aggregates = grid('Aggregates', [
      ['code', 'parent'],
      ['D01', 'Index'],
      ['D02', ''],
      ['Index', ''],
    ]);
    const out = readControlGrids('ctl', g);
    const compiled = compileMethodology(out.methodology);
    if (compiled.ok) throw new Error('expected issues');

    const roots = compiled.issues.find((i) => /exactly one aggregate/.test(i.message));
    expect(locateIssue(out, roots!)).toBe('Aggregates!B3');
  });

  test('a number with a decimal comma is refused at its cell, not read as a larger number', () => {
    const g = grids();
    g.indicators = grid('Indicators', [
      ['code', 'parent', 'weight'],
      ['T01', 'D01', '1,5'],
      ['T02', 'D01', '1,500'],
    ]);
    const out = readControlGrids('ctl', g);

    expect(out.problems.map((p) => [p.at, p.message])).toEqual([
      ['Indicators!C2', expect.stringMatching(/must be a number \(found “1,5”\)/)],
    ]);
    expect((out.methodology['indicators'] as { weight?: number }[])[1]?.weight).toBe(1500);
  });
});

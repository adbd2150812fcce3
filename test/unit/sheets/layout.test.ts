import { readFormGrid } from '../../../lib/sheets/form';
import { buildFormRows, FORM_TAB } from '../../../lib/sheets/layout';
import { feedbackRequests } from '../../../lib/sheets/requests';
import { feedbackTable } from '../../helpers/feedback';
import { indicator, layoutGrid } from './helpers';

const methodology = {
  indicators: [
    indicator({ code: 'T01', unit: '%', nameEn: 'Tasks', nameZh: '任务', definition: 'Share of tasks done' }),
    indicator({ code: 'C01', unit: 'count', source: 'central:customs' }),
  ],
};

describe('the form layout', () => {
  test('lists the indicators the zone supplies, with English headers and Chinese notes', () => {
    const form = buildFormRows({ zoneId: 'hangzhou', nameEn: 'Hangzhou', nameZh: '杭州' }, methodology);

    expect(form.title).toBe(FORM_TAB);
    expect(form.rows[1]?.map((c) => c.value)).toEqual(['Code', 'Indicator', 'Unit', 'Value', 'Note']);
    expect(form.rows[1]?.[0]?.note).toContain('指标代码');
    expect(form.rows.slice(2).map((r) => r[0]?.value)).toEqual(['T01']);
    expect(form.rows[2]?.[1]).toEqual({ value: 'Tasks / 任务', note: 'Share of tasks done' });
  });

  test('reads back as a form of its zone with the values given', () => {
    const form = buildFormRows({ zoneId: 'hangzhou' }, methodology, { T01: '17.35%' });

    const out = readFormGrid({
      spreadsheetId: 's',
      grid: layoutGrid(form),
      tabTitles: [FORM_TAB],
      feedbackTab: null,
      methodology,
      expectedZoneId: 'hangzhou',
    });

    expect(out.problems).toEqual([]);
    expect(out.rows).toEqual([
      expect.objectContaining({
        code: 'T01',
        a1: 'Form!D3',
        parsed: expect.objectContaining({ value: 17.35 }),
      }),
    ]);
  });
});

describe('the Feedback write', () => {
  const rows = feedbackTable({
    status: '1 value needs attention',
    syncedAt: '2025-03-01T08:00:00Z',
    issues: [
      {
        at: 'Form!D3',
        code: 'T01',
        typed: '=IMPORTXML("http://x")',
        problem: 'not a number',
        lastAccepted: 12,
      },
    ],
  });

  test('adds the tab when it is missing, in the same request as the cells', () => {
    const { requests, tab } = feedbackRequests(rows, null, 42);

    expect(requests.map((r) => Object.keys(r)[0])).toEqual(['addSheet', 'updateCells']);
    expect(requests[0]?.addSheet?.properties).toMatchObject({ sheetId: 42, title: 'Feedback' });
    expect(tab).toEqual({ tabId: 42, rowCount: 100, columnCount: 8 });
  });

  test('writes text as text, so a formula typed by a person stays text', () => {
    const { requests } = feedbackRequests(rows, null, 1);
    const cells = requests[1]?.updateCells?.rows?.[4]?.values;

    expect(cells?.[2]).toEqual({ userEnteredValue: { stringValue: '=IMPORTXML("http://x")' } });
    expect(cells?.[5]).toEqual({ userEnteredValue: { numberValue: 12 } });
  });

  test('replaces the whole grid of an existing tab, so older lines are cleared', () => {
    const { requests } = feedbackRequests(rows, { tabId: 7, rowCount: 500, columnCount: 10 }, 1);

    expect(requests).toHaveLength(1);
    expect(requests[0]?.updateCells?.range).toEqual({
      sheetId: 7,
      startRowIndex: 0,
      endRowIndex: 500,
      startColumnIndex: 0,
      endColumnIndex: 10,
    });
  });

  test('grows an existing tab too small for the rows', () => {
    const many = Array.from({ length: 30 }, (_, i) => [`line ${i}`]);

    const { requests, tab } = feedbackRequests(many, { tabId: 7, rowCount: 20, columnCount: 1 }, 1);

    expect(requests[0]).toEqual({ appendDimension: { sheetId: 7, dimension: 'ROWS', length: 10 } });
    expect(tab.rowCount).toBe(30);
  });
});

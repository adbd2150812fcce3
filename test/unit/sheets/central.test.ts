import { readCentralGrid } from '../../../lib/sheets/central';
import { grid, indicator } from './helpers';

const methodology = {
  indicators: [
    indicator({ code: 'C01', unit: '亿元', source: 'central:customs' }),
    indicator({ code: 'C02', unit: 'count', source: 'central:customs' }),
    indicator({ code: 'T01', unit: '%', source: 'zone' }),
  ],
};

describe('reading a central department tab', () => {
  test('reads each zone row with its cells keyed by indicator code and parsed', () => {
    const g = grid('customs', [
      ['zone_id', 'C01', 'c02'],
      ['hangzhou', '1,092.47', 30],
      ['ningbo', null, 12],
    ]);

    const out = readCentralGrid('c', 'customs', g, methodology);

    expect(out.problems).toEqual([]);
    expect(out.codes).toEqual(['C01', 'C02']);
    expect(out.rows[0]?.cells['C01']).toMatchObject({
      a1: 'customs!B2',
      parsed: { ok: true, value: 1092.47 },
    });
    expect(Object.keys(out.rows[1]?.cells ?? {})).toEqual(['C02']);
  });

  test('columns of unknown codes and of indicators from elsewhere are reported and ignored', () => {
    const g = grid('customs', [
      ['Zone ID', 'C01', 'T01', 'X9'],
      ['hangzhou', 1, 2, 3],
    ]);

    const out = readCentralGrid('c', 'customs', g, methodology);

    expect(out.codes).toEqual(['C01']);
    expect(out.problems.map((p) => [p.kind, p.at])).toEqual([
      ['other-source', 'customs!C:C'],
      ['unknown-code', 'customs!D:D'],
    ]);
  });

  test('repeated zones, blank rows in the middle and a missing tab are problems', () => {
    const g = grid('customs', [['zone_id', 'C01'], ['hangzhou', 1], [], ['hangzhou', 2]]);

    expect(readCentralGrid('c', 'customs', g, methodology).problems.map((p) => [p.kind, p.at])).toEqual([
      ['blank-rows', 'customs!3:3'],
      ['duplicate-row', 'customs!A4'],
    ]);
    expect(readCentralGrid('c', 'customs', null).problems[0]).toMatchObject({
      kind: 'missing-tab',
      severity: 'error',
    });
  });
});

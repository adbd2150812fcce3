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

  test('a column naming no indicator is an error with the closest code; one from elsewhere is ignored', () => {
    const g = grid('customs', [
      ['Zone ID', 'C01', 'T01', 'CO2', 'remarks'],
      ['hangzhou', 1, 2, 3, 'x'],
    ]);

    const out = readCentralGrid('c', 'customs', g, methodology);

    expect(out.codes).toEqual(['C01']);
    expect(out.problems.map((p) => [p.kind, p.severity, p.at])).toEqual([
      ['other-source', 'warning', 'customs!C1'],
      ['unknown-code', 'error', 'customs!D1'],
      ['unknown-code', 'error', 'customs!E1'],
    ]);
    expect(out.problems[1]?.message).toMatch(/^unknown indicator code “CO2” \(did you mean “C02”\?\)/);
    expect(out.problems[2]?.message).toMatch(
      /“remarks”: column E .*an indicator code of this tab \(C01, C02\)/,
    );
    expect(Object.keys(out.rows[0]?.cells ?? {})).toEqual(['C01']);
  });

  test('a code given on two columns is an error and neither column is read', () => {
    const g = grid('customs', [
      ['zone_id', 'C01', 'C02', 'c01'],
      ['hangzhou', 1, 2, 3],
    ]);

    const out = readCentralGrid('c', 'customs', g, methodology);

    expect(out.codes).toEqual(['C02']);
    expect(out.problems).toEqual([
      expect.objectContaining({ kind: 'repeated-column', severity: 'error', at: 'customs!D1', code: 'C01' }),
    ]);
    expect(out.rows[0]?.cells).toEqual({ C02: expect.objectContaining({ a1: 'customs!C2' }) });
  });

  test('a second zone_id column stops the tab from being read', () => {
    const g = grid('customs', [
      ['zone_id', 'C01', 'zone'],
      ['hangzhou', 1, 'ningbo'],
    ]);

    const out = readCentralGrid('c', 'customs', g, methodology);

    expect(out.rows).toEqual([]);
    expect(out.problems).toEqual([
      expect.objectContaining({ kind: 'repeated-column', severity: 'error', at: 'customs!C1' }),
    ]);
  });

  test('a misspelt zone_id header is named', () => {
    const g = grid('customs', [
      ['zone_di', 'C01'],
      ['hangzhou', 1],
    ]);

    const out = readCentralGrid('c', 'customs', g, methodology);

    expect(out.problems).toEqual([
      expect.objectContaining({ kind: 'missing-header', severity: 'error', at: 'customs!A1' }),
    ]);
    expect(out.problems[0]?.message).toMatch(/“zone_di” \(did you mean “zone_id”\?\)/);
  });

  test('a row naming no zone of the evaluation is refused with the closest zone id', () => {
    const g = grid('customs', [
      ['zone_id', 'C01'],
      ['hangzhuo', 1],
      ['NINGBO', 2],
      ['atlantis', 3],
    ]);

    const out = readCentralGrid('c', 'customs', g, methodology, { zoneIds: ['hangzhou', 'ningbo'] });

    expect(out.rows.map((r) => r.zoneId)).toEqual(['ningbo']);
    expect(out.problems.map((p) => [p.kind, p.severity, p.at, p.code])).toEqual([
      ['unknown-zone', 'error', 'customs!A2', 'hangzhuo'],
      ['unknown-zone', 'error', 'customs!A4', 'atlantis'],
    ]);
    expect(out.problems[0]?.message).toMatch(
      /“hangzhuo” is not a zone of this evaluation \(did you mean “hangzhou”\?\)/,
    );
    expect(out.problems[1]?.message).not.toMatch(/did you mean/);
  });

  test('a zone on two rows is an error for that zone: neither row is read, the others are', () => {
    const g = grid('customs', [['zone_id', 'C01'], ['hangzhou', 1], ['ningbo', 5], [], ['hangzhou', 2]]);

    const out = readCentralGrid('c', 'customs', g, methodology);

    expect(out.rows.map((r) => [r.zoneId, r.row])).toEqual([['ningbo', 3]]);
    expect(out.problems.map((p) => [p.kind, p.severity, p.at])).toEqual([
      ['blank-rows', 'warning', 'customs!4:4'],
      ['duplicate-row', 'error', 'customs!A5'],
    ]);
    expect(out.problems[1]?.message).toMatch(/repeats the zone “hangzhou” of row 2: neither row is read/);
  });

  test('a missing tab is an error', () => {
    expect(readCentralGrid('c', 'customs', null).problems[0]).toMatchObject({
      kind: 'missing-tab',
      severity: 'error',
    });
  });
});

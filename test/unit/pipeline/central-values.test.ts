import type { Indicator } from '../../../lib/core/methodology';
import { centralValues } from '../../../lib/pipeline/central';
import { readCentralGrid } from '../../../lib/sheets/central';
import { grid, indicator } from '../sheets/helpers';

const indicators: Indicator[] = [
  indicator({ code: 'C01', unit: 'count', source: 'central:customs' }),
  indicator({ code: 'C02', unit: 'count', source: 'central:customs' }),
];
const zones = new Set(['hangzhou', 'ningbo']);
const previous = {
  hangzhou: { C01: { value: 1, text: '1' }, C02: { value: 2, text: '2' } },
  ningbo: { C01: { value: 10, text: '10' }, C02: { value: 20, text: '20' } },
};

describe('central values read from neither copy', () => {
  test('a zone on two rows keeps its last accepted values; the other zones take the new ones', () => {
    const read = readCentralGrid(
      'c',
      'customs',
      grid('customs', [
        ['zone_id', 'C01', 'C02'],
        ['hangzhou', 5, 6],
        ['ningbo', 7, 8],
        ['hangzhou', 9, 9],
      ]),
      { indicators },
      { zoneIds: [...zones] },
    );

    const got = centralValues(read, zones, previous);

    expect(got.zones['hangzhou']).toEqual(previous.hangzhou);
    expect(got.zones['ningbo']).toMatchObject({ C01: { value: 7 }, C02: { value: 8 } });
    expect(got.problems.map((p) => p[0])).toEqual(['customs!A4']);
  });

  test('a code on two columns keeps its last accepted value for every zone', () => {
    const read = readCentralGrid(
      'c',
      'customs',
      grid('customs', [
        ['zone_id', 'C01', 'C02', 'C01'],
        ['hangzhou', 5, 6, 50],
        ['ningbo', 7, 8, 70],
      ]),
      { indicators },
      { zoneIds: [...zones] },
    );

    const got = centralValues(read, zones, previous);

    expect(got.zones['hangzhou']).toMatchObject({ C01: { value: 1 }, C02: { value: 6 } });
    expect(got.zones['ningbo']).toMatchObject({ C01: { value: 10 }, C02: { value: 8 } });
  });
});

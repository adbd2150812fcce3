/**
 * The methodologists' guide names every column of the control sheet's tabs and every Settings key the reader
 * knows, from the layout's own lists, so a column or key added to the control sheet fails here until it is
 * documented.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GOVERNANCE_SETTINGS } from '../../../lib/pipeline/governance';
import {
  AGGREGATE_COLUMNS,
  CONTROL_TABS,
  GRADE_COLUMNS,
  INDICATOR_COLUMNS,
  SETTING_COLUMNS,
  SETTINGS,
  ZONE_COLUMNS,
} from '../../../lib/sheets/layout';

const guide = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'methodologists.md'), 'utf8');
const unnamed = (text: string, names: readonly string[]) => names.filter((n) => !text.includes(`\`${n}\``));

test('names every tab of the control sheet', () => {
  expect(unnamed(guide, Object.values(CONTROL_TABS))).toEqual([]);
});

test('names every column of the control sheet’s tabs', () => {
  const columns = [
    ZONE_COLUMNS,
    INDICATOR_COLUMNS,
    AGGREGATE_COLUMNS,
    GRADE_COLUMNS,
    SETTING_COLUMNS,
  ].flatMap((cs) => cs.map((c) => c.header));
  expect(unnamed(guide, columns)).toEqual([]);
});

test('names every Settings key, the governing ones included', () => {
  expect(unnamed(guide, [...SETTINGS.map((s) => s.key), ...GOVERNANCE_SETTINGS])).toEqual([]);
});

test('a name the guide leaves out is found', () => {
  expect(unnamed('`weight` and `treat.winmax`', ['weight', 'treat.winmax', 'treat.skew'])).toEqual([
    'treat.skew',
  ]);
});

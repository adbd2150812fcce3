import { loadDefaultEvaluation } from '../../../lib/local/default-evaluation';
import { zoneIndicators } from '../../../lib/sheets/layout';
import { protectionRequests, validationRequests, valueRule } from '../../../lib/sheets/provision-form';

const m = loadDefaultEvaluation(1).methodology.spec;
const base = { code: 'X', direction: 1 as const, weight: 1, required: false, source: 'zone' };

describe('advisory validation', () => {
  it('never rejects: every rule of the default evaluation is strict: false', () => {
    const requests = validationRequests(m, 0);
    expect(requests.length).toBeGreaterThan(0);
    for (const r of requests) expect(r.setDataValidation!.rule!.strict).toBe(false);
  });

  it('puts each rule on its indicator row of the value column', () => {
    const inds = zoneIndicators(m);
    const first = validationRequests(m, 7)[0]!.setDataValidation!.range!;
    const k = inds.findIndex((i) => valueRule(i) !== null);
    expect(first).toEqual({
      sheetId: 7,
      startRowIndex: 2 + k,
      endRowIndex: 3 + k,
      startColumnIndex: 3,
      endColumnIndex: 4,
    });
  });

  it('offers 是/否 for yes/no, a range for bounded numbers, nothing for an unbounded one', () => {
    expect(valueRule({ ...base, unit: 'yes/no' })!.condition!.type).toBe('ONE_OF_LIST');
    expect(valueRule({ ...base, unit: '%', min: -100, max: 1000 })!.condition).toEqual({
      type: 'NUMBER_BETWEEN',
      values: [{ userEnteredValue: '-100' }, { userEnteredValue: '1000' }],
    });
    expect(valueRule({ ...base, unit: 'count', min: 0 })!.condition!.type).toBe('NUMBER_GREATER_THAN_EQ');
    expect(valueRule({ ...base, unit: 'count' })).toBeNull();
    expect(valueRule({ ...base, unit: 'count', min: 0 })!.inputMessage).toMatch(/亿.*N\/A/);
  });
});

describe('protections', () => {
  it('asks only for the protections that are missing', () => {
    const ids = { form: 0, feedback: 1, instructions: 2 };
    expect(protectionRequests(ids, new Set())).toHaveLength(4);
    const all = protectionRequests(ids, new Set()).map(
      (r) => r.addProtectedRange!.protectedRange!.description!,
    );
    expect(protectionRequests(ids, new Set(all))).toEqual([]);
    expect(protectionRequests(ids, new Set(all.slice(1)))).toHaveLength(1);
    for (const r of protectionRequests(ids, new Set()))
      expect(r.addProtectedRange!.protectedRange!.warningOnly).toBe(false);
  });
});

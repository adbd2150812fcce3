import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileMethodology, formatIssues } from '../../lib/core/methodology';
import { type Parsed, parseCell, parseField, UNIT_WORDS, unitProblem, ZH_UNITS } from '../../lib/core/values';

const root = join(__dirname, '../..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const unitsOf = (path: string): string[] =>
  (JSON.parse(read(path)) as { indicators: { unit?: string }[] }).indicators.flatMap((i) =>
    i.unit === undefined ? [] : [i.unit],
  );

function problemOf(result: Parsed): string {
  if (result.ok) throw new Error(`expected a refusal, got the value ${result.value}`);
  return result.problem;
}

describe('the unit vocabulary', () => {
  test.each([
    ...new Set([
      ...unitsOf('data/default-methodology.json'),
      ...unitsOf('test/fixtures/asem/asem-methodology.json'),
      // Spellings the value reader's own tests use.
      ...['10,000 sq m', 'RMB 100 million', 'USD m', 'million USD', 'enterprises per 10,000 people', 'index'],
      ...[
        'percent',
        'yuan',
        '万元',
        '万元/人',
        '万吨',
        '人民币亿元',
        '亿元',
        '亿美元',
        '十亿元',
        '家',
        '是/否',
        '百分比',
      ],
      ...['per cent', '万人次', '人数', 'kg', 'TEU', 'thousand parcels', 'yes or no', ''],
    ]),
  ])('accepts %j', (unit) => {
    expect(unitProblem(unit)).toBeNull();
  });

  test.each([
    [
      '100 milion yuan',
      '`100 milion yuan` is not a known unit: `milion` is not a unit word (did you mean `100 million yuan`?)',
    ],
    [
      'hundred milion yuan',
      '`hundred milion yuan` is not a known unit: `milion` is not a unit word (did you mean `hundred million yuan`?)',
    ],
    ['enterprizes', '`enterprizes` is not a known unit (did you mean `enterprises`?)'],
    [
      '10,000 yaun',
      '`10,000 yaun` is not a known unit: `yaun` is not a unit word (did you mean `10,000 yuan`?)',
    ],
    [
      'Billion tonnnes',
      '`Billion tonnnes` is not a known unit: `tonnnes` is not a unit word (did you mean `Billion tonnes`?)',
    ],
    [
      'square metres per persn',
      '`square metres per persn` is not a known unit: `persn` is not a unit word (did you mean `square metres per person`?)',
    ],
    ['亿園', '`亿園` is not a known unit (did you mean `亿元`?)'],
    ['colour', '`colour` is not a known unit; data/README.md lists the unit spellings'],
  ])('refuses %j, naming the closest known spelling', (unit, message) => {
    expect(unitProblem(unit)).toBe(message);
  });

  test('an unknown unit is refused when the methodology compiles, at the indicator’s unit', () => {
    const c = compileMethodology({
      indicators: [
        { code: 'T01', unit: '100 million yuan' },
        { code: 'T02', unit: '100 milion yuan' },
      ],
    });
    expect(c.ok ? '' : formatIssues(c.issues)).toBe(
      'indicators[1] (T02).unit: `100 milion yuan` is not a known unit: `milion` is not a unit word (did you mean `100 million yuan`?)',
    );
  });

  test('data/README.md lists every word and Chinese unit of the vocabulary', () => {
    const readme = read('data/README.md');
    const section = readme.slice(
      readme.indexOf('## Units'),
      readme.indexOf('\n## ', readme.indexOf('## Units') + 1),
    );
    const missing = [...Object.values(UNIT_WORDS).flat(), ...ZH_UNITS].filter(
      (w) => !section.includes(`\`${w}\``),
    );
    expect(missing).toEqual([]);
  });
});

describe('whole numbers', () => {
  test.each([
    ['2.5', 'enterprises'],
    ['2.5 enterprises', 'enterprises'],
    ['2.5', 'count'],
    ['1,092.5', 'people'],
    ['0.5', '家'],
  ])('%j is refused in a count of %s', (typed, unit) => {
    expect(problemOf(parseField(typed, { code: 'T05', unit }))).toBe('not-whole');
  });

  test('the refusal says what is wrong and which whole numbers are near', () => {
    const r = parseField('2.5 enterprises', { code: 'T05', unit: 'enterprises' });
    expect(r.ok ? '' : r.reason).toBe(
      '“2.5 enterprises” is not a whole number, and T05 is a count of enterprises: type 2 or 3.',
    );
  });

  test('a number cell holding a fraction is refused in a count too', () => {
    expect(problemOf(parseCell({ value: 2.5, text: '2.5' }, { code: 'T05', unit: 'people' }))).toBe(
      'not-whole',
    );
  });

  test.each([
    ['2', 'enterprises', 2],
    ['1,092', 'people', 1092],
    ['2.5', 'Number', 2.5],
    ['28.121', 'Number of people', 28.121],
    ['2.5', 'enterprises per 10,000 people', 2.5],
    ['2.5', 'thousand seats', 2.5],
    ['2.5', 'score 0-100', 2.5],
  ])('%j is accepted in %s', (typed, unit, value) => {
    expect(parseField(typed, { code: 'T05', unit })).toMatchObject({ ok: true, value });
  });
});

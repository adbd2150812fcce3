import { closest, didYouMean, editDistance } from '../../../lib/core/suggest';

const indicatorKeys = [
  'code',
  'nameEn',
  'nameZh',
  'unit',
  'definition',
  'direction',
  'weight',
  'parent',
  'denominator',
  'min',
  'max',
  'required',
  'goalposts',
  'target',
  'source',
] as const;

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['', 'abc', 3],
    ['abc', '', 3],
    ['weight', 'weight', 0],
    ['wieght', 'weight', 1],
    ['requried', 'required', 1],
    ['normalize', 'normalise', 1],
    ['winmx', 'winmax', 1],
    ['kitten', 'sitting', 3],
    ['ca', 'abc', 3],
  ])('between %j and %j is %d', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe('closest', () => {
  it.each([
    ['directon', indicatorKeys, 'direction'],
    ['wieght', indicatorKeys, 'weight'],
    ['requried', indicatorKeys, 'required'],
    ['Direction', indicatorKeys, 'direction'],
    [
      'normalize',
      ['name', 'impute', 'screen', 'treat', 'normalise', 'weight', 'aggregate', 'grade'],
      'normalise',
    ],
    ['winmx', ['method', 'winmax', 'skew', 'kurtosis', 'lambda'], 'winmax'],
    ['grade', ['method', 'grades', 'gates'], 'grades'],
    ['fromat', ['format', 'explain', 'uncertainty', 'seed'], 'format'],
    ['uncertanty', ['format', 'explain', 'uncertainty', 'seed'], 'uncertainty'],
  ])('finds a close name for %j', (input, known, expected) => {
    expect(closest(input, known)).toBe(expected);
  });

  it('finds nothing when no known name is a plausible typo', () => {
    expect(closest('colour', indicatorKeys)).toBeNull();
    expect(closest('xy', ['id', 'op'])).toBeNull();
    expect(closest('', indicatorKeys)).toBeNull();
    expect(closest('weight', [])).toBeNull();
  });

  it('prefers the nearer of two candidates, and the first listed on a tie', () => {
    expect(closest('mix', ['max', 'min'])).toBe('max');
    expect(closest('mins', ['max', 'min'])).toBe('min');
  });
});

describe('didYouMean', () => {
  it('is a parenthesised hint naming the closest key', () => {
    expect(didYouMean('directon', indicatorKeys)).toBe(' (did you mean `direction`?)');
  });

  it('is empty when nothing is close', () => {
    expect(didYouMean('colour', indicatorKeys)).toBe('');
  });
});

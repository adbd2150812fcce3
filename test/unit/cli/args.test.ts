import { choiceOption, intOption, parseOptions } from '../../../lib/cli/args';
import { UsageError } from '../../../lib/cli/errors';
import { runCli } from '../../helpers/cli';

const OPTIONS = {
  format: { type: 'string' },
  explain: { type: 'boolean' },
  seed: { type: 'string' },
} as const;

const refusal = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    if (err instanceof UsageError) return err.message;
    throw err;
  }
  throw new Error('expected a UsageError');
};

describe('parseOptions', () => {
  test('reads string options in both spellings, flags, and nothing else', () => {
    expect(parseOptions(['--format', 'json', '--explain', '--seed=-3'], OPTIONS)).toEqual({
      help: false,
      values: { format: 'json', explain: true, seed: '-3' },
      positionals: [],
    });
  });

  test('an unknown option is refused with the closest known one', () => {
    expect(refusal(() => parseOptions(['--fromat', 'json'], OPTIONS))).toBe(
      'unknown option --fromat (did you mean --format?)',
    );
    expect(refusal(() => parseOptions(['--colour'], OPTIONS))).toBe('unknown option --colour');
    expect(refusal(() => parseOptions(['-x'], OPTIONS))).toBe('unknown option -x');
  });

  test('a stray word is refused, with the option it resembles', () => {
    expect(refusal(() => parseOptions(['explain'], OPTIONS))).toBe(
      "unexpected argument 'explain' (did you mean --explain?)",
    );
    expect(refusal(() => parseOptions(['--format', 'json', 'extra'], OPTIONS))).toBe(
      "unexpected argument 'extra'",
    );
    expect(parseOptions(['one'], OPTIONS, 1)).toMatchObject({ positionals: ['one'] });
  });

  test('a missing value, a value given to a flag, and a value that looks like an option are refused', () => {
    expect(refusal(() => parseOptions(['--format'], OPTIONS))).toBe('option --format needs a value');
    expect(refusal(() => parseOptions(['--format', '--explain'], OPTIONS))).toBe(
      'option --format needs a value, but is followed by the option --explain',
    );
    expect(refusal(() => parseOptions(['--seed', '-3'], OPTIONS))).toBe(
      "option --seed: write a value starting with '-' as --seed=-3",
    );
    expect(refusal(() => parseOptions(['--explain=yes'], OPTIONS))).toBe(
      "option --explain takes no value, got 'yes'",
    );
  });

  test('--help and -h win over anything else on the line', () => {
    expect(parseOptions(['--help'], OPTIONS)).toEqual({ help: true });
    expect(parseOptions(['-h'], OPTIONS)).toEqual({ help: true });
    expect(parseOptions(['--fromat', 'x', 'stray', '-h'], OPTIONS)).toEqual({ help: true });
  });
});

describe('intOption', () => {
  const range = { min: 1, max: 100000 };
  test('reads a whole number in range; absent stays absent', () => {
    expect(intOption('200', 'uncertainty', range)).toBe(200);
    expect(intOption(undefined, 'uncertainty', range)).toBeUndefined();
  });
  test.each(['1000000', '0', '1e20', '2.5', '12abc', '', 'Infinity'])(
    'refuses %j, stating the range',
    (v) => {
      expect(refusal(() => intOption(v, 'uncertainty', range))).toBe(
        `option --uncertainty must be a whole number from 1 to 100000, got '${v}'`,
      );
    },
  );
});

describe('choiceOption', () => {
  test('reads one of the choices, and names a near miss', () => {
    expect(choiceOption('json', 'format', ['table', 'json', 'csv'])).toBe('json');
    expect(refusal(() => choiceOption('jsn', 'format', ['table', 'json', 'csv']))).toBe(
      "option --format must be 'table', 'json' or 'csv', got 'jsn' (did you mean 'json'?)",
    );
  });
});

describe('--year', () => {
  test.each(['1999', '2101'])(
    'export and sign-off refuse --year %s alike, before opening any store',
    async (year) => {
      const exported = await runCli(['export', '--year', year, '--format', 'csv']);
      const signed = await runCli(['sign-off', '--year', year, '--evaluation', 'e', '--as', 'a@example.com']);
      const sentence = `option --year must be a whole number from 2000 to 2100, got '${year}'`;
      expect(exported).toEqual({ code: 2, stdout: '', stderr: `zone-eval export: ${sentence}` });
      expect(signed).toEqual({ code: 2, stdout: '', stderr: `zone-eval sign-off: ${sentence}` });
    },
  );
});

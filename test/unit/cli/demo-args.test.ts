/** `zone-eval demo`'s options: defaults, and every mistake refused naming the option. */
import { parseDemoArgs } from '../../../lib/cli/demo';
import { UsageError } from '../../../lib/cli/errors';

const refusal = (argv: string[]): string => {
  try {
    parseDemoArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) return err.message;
    throw err;
  }
  throw new Error('expected a UsageError');
};

test("by default: 105 zones, the quota off, production's 5 s evaluate delay", () => {
  expect(parseDemoArgs([])).toEqual({ zones: 105, quota: 'off', seed: 2025, evaluateDelayMs: 5000 });
});

test('--evaluate-delay-ms shortens the delay, within 0 to 60000', () => {
  expect(parseDemoArgs(['--evaluate-delay-ms', '300', '--quota', 'default'])).toMatchObject({
    evaluateDelayMs: 300,
    quota: 'default',
  });
  expect(refusal(['--evaluate-delay-ms', '60001'])).toMatch(/--evaluate-delay-ms/);
  expect(refusal(['--evaluate-delay-ms', 'soon'])).toMatch(/--evaluate-delay-ms/);
});

test('a misspelt option is refused with the closest known one', () => {
  expect(refusal(['--evaluate-delay', '300'])).toMatch(/did you mean --evaluate-delay-ms\?/);
  expect(refusal(['--quota', 'generous'])).toBe("option --quota must be 'off' or 'default', got 'generous'");
});

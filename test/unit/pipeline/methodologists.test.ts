/** The Settings row `methodologists`: who may put a methodology version in force. */
import { isMethodologist, parseMethodologistsSetting } from '../../../lib/pipeline/governance';

test('reads accounts separated by commas, semicolons or spaces, lower-cased, each once', () => {
  expect(
    parseMethodologistsSetting('Li.Na@mofcom.gov.cn, wang@mofcom.gov.cn;li.na@mofcom.gov.cn  x@y.cn'),
  ).toEqual({
    ok: true,
    value: ['li.na@mofcom.gov.cn', 'wang@mofcom.gov.cn', 'x@y.cn'],
  });
});

test('refuses a name that is not an account, naming it, and an empty list', () => {
  expect(parseMethodologistsSetting('li.na@mofcom.gov.cn, Wang Fang')).toEqual({
    ok: false,
    message: expect.stringContaining('(found “wang”)'),
  });
  expect(parseMethodologistsSetting('')).toMatchObject({ ok: false });
});

test('an account is a methodologist whatever its case; nobody is when none is named or the editor is unknown', () => {
  expect(isMethodologist(['li.na@mofcom.gov.cn'], 'Li.Na@MOFCOM.gov.cn')).toBe(true);
  expect(isMethodologist(['li.na@mofcom.gov.cn'], 'wang@mofcom.gov.cn')).toBe(false);
  expect(isMethodologist(['li.na@mofcom.gov.cn'], null)).toBe(false);
  expect(isMethodologist(null, 'li.na@mofcom.gov.cn')).toBe(false);
});

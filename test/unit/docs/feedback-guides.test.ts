/**
 * The officials' guides explain every message the Feedback tab can show, in Chinese and in English. The lists come
 * from the code's own catalogues, so a new kind of refusal, of layout problem or of Feedback row fails this test
 * until both guides explain it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROBLEMS } from '../../../lib/core/values';
import { FORMULA_ERRORS } from '../../../lib/core/values/messages';
import { FEEDBACK_WORDS } from '../../../lib/pipeline/feedback';
import { SheetProblemKindSchema } from '../../../lib/pipeline/ports';
import { feedbackPlaceholder } from '../../../lib/sheets/provision-form';

const GUIDES = ['docs/officials.en.md', 'docs/officials.zh.md'];
const read = (file: string) => readFileSync(join(__dirname, '..', '..', '..', file), 'utf8');

/** The kinds a guide does not name as code (`` `not-a-number` ``). */
function unnamedKinds(guide: string, kinds: readonly string[]): string[] {
  return kinds.filter((k) => !guide.includes(`\`${k}\``));
}

/** The texts a guide does not quote. */
function unquoted(guide: string, texts: readonly string[]): string[] {
  return texts.filter((t) => !guide.includes(t));
}

const placeholderStatus = () => {
  const cell = feedbackPlaceholder().rows[0]?.[1];
  if (typeof cell?.value !== 'string') throw new Error('the Feedback placeholder has no status text');
  return cell.value;
};

describe.each(GUIDES)('%s', (file) => {
  const guide = read(file);

  test('names every kind of refused value', () => {
    expect(unnamedKinds(guide, PROBLEMS)).toEqual([]);
  });

  test('names every kind of problem with a sheet’s layout', () => {
    expect(unnamedKinds(guide, SheetProblemKindSchema.options)).toEqual([]);
  });

  test('quotes the Feedback tab’s own words, and the status before the first read', () => {
    expect(unquoted(guide, [...Object.values(FEEDBACK_WORDS), placeholderStatus()])).toEqual([]);
  });

  test('names every formula error Sheets can show', () => {
    const shown = [...new Set([...FORMULA_ERRORS.values()].map((e) => e.display))];
    expect(unquoted(guide, shown)).toEqual([]);
  });
});

test('a kind or a text a guide leaves out is found', () => {
  const guide = 'A `not-a-number` value is refused; the status reads OK 已接受.';
  expect(unnamedKinds(guide, ['not-a-number', 'decimal-comma'])).toEqual(['decimal-comma']);
  expect(unquoted(guide, [FEEDBACK_WORDS.ok, FEEDBACK_WORDS.late])).toEqual([FEEDBACK_WORDS.late]);
});

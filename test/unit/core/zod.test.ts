/**
 * lib/core/zod.ts is zod/mini with zod's English messages: mini registers no locale of its own, so without it every
 * issue a person or an admin reads would say "Invalid input". This file loads no classic zod (which would set the
 * locale itself), so the test fails if the module stops setting it.
 */
import * as z from '../../../lib/core/zod';

test('a mini schema explains what it refused in English, as classic zod does', () => {
  const result = z.object({ code: z.string().check(z.minLength(1)) }).safeParse({ code: '' });
  expect(result.error?.issues[0]?.message).toBe('Too small: expected string to have >=1 characters');
  expect(z.prettifyError(z.int().safeParse(1.5).error!)).toBe(
    '✖ Invalid input: expected int, received number',
  );
});

/**
 * zod for the schemas the Lambda handlers load: `zod/mini` (the functional API: `z.optional(s)`,
 * `s.check(z.minLength(1))`), with zod's English messages. Import it as `import * as z from '<path>/core/zod'`.
 *
 * Why mini: classic zod builds every schema with its dozens of methods and brings its JSON-schema support along,
 * which made about 100 KB of each bundle and a large part of each cold start (README, "Bundles"); mini schemas
 * parse the same, infer the same types (`z.infer`), and mix with classic ones where other code composes them.
 *
 * Why this module rather than `zod/mini` itself: mini registers no locale, so an issue's message would read
 * "Invalid input" where classic zod says "Too small: expected string to have >=1 characters". Every module that
 * builds a mini schema imports this one, so the English locale is set before any of them parses. The setting is
 * zod's global configuration, the one classic zod sets on its first schema: a process that loads both gets the
 * same messages from either (classic only sets its default when none is set).
 */
import { en } from 'zod/locales';
// biome-ignore lint/style/noRestrictedImports: the one place that imports zod/mini, to set its locale first.
import * as z from 'zod/mini';

if (!z.config().localeError) z.config(en());

// biome-ignore lint/style/noRestrictedImports: see above.
export * from 'zod/mini';

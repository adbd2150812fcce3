/**
 * Option parsing for every subcommand: `node:util`'s parseArgs in strict mode, with its refusals reworded as one
 * line a person can act on (the closest known option for a typo) and `--help`/`-h` understood everywhere.
 */
import { parseArgs } from 'node:util';
import { closest } from '../core/suggest';
import { checkDataDir } from './data-dir';
import { UsageError } from './errors';

/** One option of a subcommand: a string takes a value (`--format json` or `--format=json`), a boolean none. */
export type OptionSpec = { type: 'string' | 'boolean'; short?: string };
export type OptionSpecs = Record<string, OptionSpec>;

/** The values given, by option name: a string option's text, `true` for a boolean flag given. */
export type OptionValues<O extends OptionSpecs> = {
  [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : string;
};

export type Parsed<O extends OptionSpecs> =
  | { help: true }
  | { help: false; values: OptionValues<O>; positionals: string[] };

const HELP: OptionSpec = { type: 'boolean', short: 'h' };

/**
 * Parses a subcommand's arguments against its options (`--help`/`-h` is added to every command). Returns
 * `{ help: true }` whenever help is asked for, whatever else is on the line, so that `bench -h` never runs the
 * benchmarks. Refuses unknown options, stray words (unless `positionals` allows that many), missing values and
 * values given to flags, each as a UsageError naming the closest known option. A `--data-dir` is checked as the
 * local stack's directory (`checkDataDir`).
 */
export function parseOptions<O extends OptionSpecs>(argv: string[], options: O, positionals = 0): Parsed<O> {
  const all: OptionSpecs = { ...options, help: HELP };
  // The lenient pass only reads the tokens, so that help wins over any mistake and each mistake is worded here.
  const { tokens } = parseArgs({
    args: argv,
    options: all,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  if (tokens.some((t) => t.kind === 'option' && t.name === 'help')) return { help: true };
  const names = Object.keys(all);
  const hint = (word: string) => {
    const near = closest(word.replace(/^-+/, ''), names);
    return near === null ? '' : ` (did you mean --${near}?)`;
  };
  let seen = 0;
  for (const t of tokens) {
    if (t.kind === 'option') {
      const spec = all[t.name];
      if (!spec) throw new UsageError(`unknown option ${t.rawName}${hint(t.name)}`);
      if (spec.type === 'boolean' && t.value !== undefined)
        throw new UsageError(`option --${t.name} takes no value, got '${t.value}'`);
      if (spec.type === 'string') {
        if (t.value === undefined) throw new UsageError(`option --${t.name} needs a value`);
        if (!t.inlineValue && t.value.startsWith('-'))
          throw new UsageError(
            /^-\d/.test(t.value)
              ? `option --${t.name}: write a value starting with '-' as --${t.name}=${t.value}`
              : `option --${t.name} needs a value, but is followed by the option ${t.value}`,
          );
      }
    } else if (t.kind === 'positional' && ++seen > positionals)
      throw new UsageError(`unexpected argument '${t.value}'${hint(t.value)}`);
  }
  const strictOptions = Object.fromEntries(
    Object.entries(all).map(([k, v]) => [k, v.short ? { type: v.type, short: v.short } : { type: v.type }]),
  );
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options: strictOptions, strict: true, allowPositionals: true });
  } catch (err) {
    // Anything the pass above did not word (a case parseArgs adds later) still reaches the person as one line.
    if (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))
      throw new UsageError(err.message.split('\n')[0]!);
    throw err;
  }
  // `--data-dir` means the local stack's directory to every command that takes it (demo, emulator, workspace, the
  // admin commands' --local): checked here, once for all of them, before any of them starts on it.
  const dataDir = parsed.values['data-dir'];
  if (typeof dataDir === 'string') checkDataDir(dataDir);
  return { help: false, values: parsed.values as OptionValues<O>, positionals: parsed.positionals };
}

/**
 * A whole-number option within [min, max], or undefined when absent. Refuses `1e20`, `2.5`, `12abc` and values
 * out of range with the range in the sentence.
 */
export function intOption(
  value: string | undefined,
  name: string,
  range: { min: number; max: number },
): number | undefined {
  if (value === undefined) return undefined;
  const n = /^[+-]?\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!(n >= range.min && n <= range.max))
    throw new UsageError(
      `option --${name} must be a whole number from ${range.min} to ${range.max}, got '${value}'`,
    );
  return n;
}

/** One of a fixed set of words, or undefined when absent; a near miss is named. */
export function choiceOption<const C extends string>(
  value: string | undefined,
  name: string,
  choices: readonly C[],
): C | undefined {
  if (value === undefined) return undefined;
  const isChoice = (v: string): v is C => (choices as readonly string[]).includes(v);
  if (isChoice(value)) return value;
  const near = closest(value, choices);
  throw new UsageError(
    `option --${name} must be ${choices
      .slice(0, -1)
      .map((c) => `'${c}'`)
      .join(', ')} or '${choices.at(-1)}', got '${value}'${near ? ` (did you mean '${near}'?)` : ''}`,
  );
}

import { UsageError } from './errors';

export type ParsedArgs = { flags: Map<string, string | true>; positional: string[] };

/** Parses `--name value`, `--name=value` and bare `--flag` options; `booleans` names flags that take no value. */
export function parseArgs(argv: string[], booleans: ReadonlySet<string> = new Set()): ParsedArgs {
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
    if (eq >= 0) flags.set(name, a.slice(eq + 1));
    else if (booleans.has(name)) flags.set(name, true);
    else {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`option --${name} needs a value`);
      flags.set(name, v);
      i++;
    }
  }
  return { flags, positional };
}

/** The string value of an option, or undefined; refuses a bare flag where a value is expected. */
export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags.get(name);
  if (v === true) throw new UsageError(`option --${name} needs a value`);
  return v;
}

/** An integer option, with the option named in the error. */
export function intFlag(args: ParsedArgs, name: string): number | undefined {
  const v = stringFlag(args, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new UsageError(`option --${name} must be an integer, got '${v}'`);
  return n;
}

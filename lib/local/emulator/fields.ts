/**
 * Partial responses: the `fields` parameter (Sheets: "Field masks"; Drive: "Return specific fields"). Syntax:
 * comma-separated paths, `a.b.c` for nesting, `a(b,c)` for several sub-fields, `*` for all. Arrays are
 * transparent: `sheets.properties.title` picks the title of every sheet.
 *
 * Drive tolerates spaces in a mask; Sheets does not: a space is part of the name, so `properties, sheets.properties`
 * is refused with 400 "Error expanding 'fields' parameter. Cannot find matching fields for path
 * ' sheets.properties'." (ringo380/claude-google-sheets-mcp#2, fixed by dropping the space in #4). Sheets also
 * refuses any path its resource does not have, which `checkMask` reproduces against `SHEETS_TYPES`.
 */
import { SHEETS_TYPES } from './sheets-schema';

export type Mask = Map<string, Mask | true>;

/** `keepSpaces` (Sheets) keeps whitespace inside names, where it matches no field; Drive drops it. */
export function parseMask(text: string, opts: { keepSpaces?: boolean } = {}): Mask {
  const root: Mask = new Map();
  let i = 0;
  const src = opts.keepSpaces ? text : text.replace(/\s+/g, '');
  const parseList = (into: Mask, closing: boolean): void => {
    while (i < src.length) {
      parsePath(into);
      if (src[i] === ',') {
        i++;
        continue;
      }
      if (src[i] === ')') {
        if (!closing) throw new Error(`unbalanced ')' in fields '${text}'`);
        i++;
        return;
      }
    }
    if (closing) throw new Error(`missing ')' in fields '${text}'`);
  };
  const parsePath = (into: Mask): void => {
    let name = '';
    while (i < src.length && !',().'.includes(src[i]!)) name += src[i++];
    if (!name) throw new Error(`empty field name in '${text}'`);
    const next = src[i];
    if (next === '.' || next === '(') {
      i++;
      let sub = into.get(name);
      if (sub === true) {
        if (next === '(') skipGroup();
        else skipPath();
        return;
      }
      if (!sub) {
        sub = new Map();
        into.set(name, sub);
      }
      if (next === '.') parsePath(sub);
      else parseList(sub, true);
      return;
    }
    into.set(name, true);
  };
  // A field already selected whole stays whole: parse and drop the narrower selection.
  const skipGroup = (): void => parseList(new Map(), true);
  const skipPath = (): void => parsePath(new Map());
  parseList(root, false);
  return root;
}

/** Keeps only the masked fields of a JSON value. */
export function project(value: unknown, mask: Mask): unknown {
  if (Array.isArray(value)) return value.map((v) => project(v, mask));
  if (value === null || typeof value !== 'object') return value;
  if (mask.get('*') === true) return value;
  const src = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, sub] of mask) {
    if (k === '*') continue;
    const v = src[k];
    if (v === undefined) continue;
    out[k] = sub === true ? v : project(v, sub);
  }
  const star = mask.get('*');
  if (star && star !== true)
    for (const [k, v] of Object.entries(src)) if (!(k in out)) out[k] = project(v, star);
  return out;
}

/** Whether a mask (or its absence) wants a dotted path, so expensive parts are built only when asked for. */
export function wants(mask: Mask | undefined, path: string[]): boolean {
  let m: Mask | true | undefined = mask;
  for (const p of path) {
    if (m === undefined || m === true) return true;
    if (m.get('*')) return true;
    m = m.get(p);
    if (m === undefined) return false;
  }
  return true;
}

/** Field names may be written separated_by_underscores (Sheets API: Field masks); the resources use camelCase. */
export function camelMask(mask: Mask): Mask {
  const out: Mask = new Map();
  for (const [k, v] of mask) {
    const name = /^[a-z0-9_]+$/.test(k) ? k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()) : k;
    const sub = v === true ? true : camelMask(v);
    const prev = out.get(name);
    if (prev === true || sub === true) out.set(name, true);
    else if (prev) for (const [kk, vv] of sub) prev.set(kk, vv);
    else out.set(name, sub);
  }
  return out;
}

/**
 * The first path of `mask` that the Sheets resource `type` does not have, written as Google names it (the path down
 * to the first leaf under the unknown name), or undefined when every path exists. `*` matches any field.
 */
export function checkMask(
  mask: Mask,
  type: string,
  types: Record<string, string> = SHEETS_TYPES,
): string | undefined {
  const fieldsOf = (t: string): Map<string, string | null> | undefined => {
    const spec = types[t];
    if (spec === undefined) return undefined;
    const m = new Map<string, string | null>();
    for (const f of spec.split(' ')) {
      const [name = '', ref] = f.split(':');
      m.set(name, ref ?? null);
    }
    return m;
  };
  const firstLeaf = (m: Mask | true): string => {
    if (m === true) return '';
    const [k, v] = m.entries().next().value as [string, Mask | true];
    return `.${k}${firstLeaf(v)}`;
  };
  const walk = (m: Mask, t: string, prefix: string): string | undefined => {
    const known = fieldsOf(t);
    if (known === undefined) return undefined;
    for (const [name, sub] of m) {
      if (name === '*') continue;
      const path = prefix ? `${prefix}.${name}` : name;
      if (!known.has(name)) return path + firstLeaf(sub);
      const ref = known.get(name);
      if (sub === true) continue;
      // A scalar (or a list of lists, like ValueRange.values) has no sub-fields.
      if (ref === null || ref === undefined) return path + firstLeaf(sub);
      const bad = walk(sub, ref, path);
      if (bad !== undefined) return bad;
    }
    return undefined;
  };
  return walk(mask, type, '');
}

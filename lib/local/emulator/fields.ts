/**
 * Partial responses: the `fields` parameter (Sheets: "Field masks"; Drive: "Return specific fields"). Syntax:
 * comma-separated paths, `a.b.c` for nesting, `a(b,c)` for several sub-fields, `*` for all. Arrays are
 * transparent: `sheets.properties.title` picks the title of every sheet.
 */
export type Mask = Map<string, Mask | true>;

export function parseMask(text: string): Mask {
  const root: Mask = new Map();
  let i = 0;
  const src = text.replace(/\s+/g, '');
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

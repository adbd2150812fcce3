/**
 * Cell formats as the Sheets API takes them (CellFormat, Color, ColorStyle, NumberFormat, TextFormat, Borders):
 * strict schemas, so a misspelled field is refused as Google refuses it rather than stored and never shown, and the
 * field-mask merge that updateCells and repeatCell apply ("the fields of CellData that should be updated",
 * Sheets API: UpdateCellsRequest).
 */
import * as z from 'zod';
import type { Json } from './cells';
import type { Mask } from './fields';

const unit = z.number().min(0).max(1);
export const color = z.strictObject({
  red: unit.optional(),
  green: unit.optional(),
  blue: unit.optional(),
  alpha: unit.optional(),
});
export const colorStyle = z.strictObject({
  rgbColor: color.optional(),
  themeColor: z
    .enum(['TEXT', 'BACKGROUND', 'ACCENT1', 'ACCENT2', 'ACCENT3', 'ACCENT4', 'ACCENT5', 'ACCENT6', 'LINK'])
    .optional(),
});

export const NUMBER_FORMAT_TYPES = [
  'TEXT',
  'NUMBER',
  'PERCENT',
  'CURRENCY',
  'DATE',
  'TIME',
  'DATE_TIME',
  'SCIENTIFIC',
] as const;

// NumberFormat.type: "When writing, this field must be set." (Sheets API: NumberFormat)
export const numberFormat = z.strictObject({
  type: z.enum(NUMBER_FORMAT_TYPES),
  pattern: z.string().optional(),
});

export const textFormat = z.strictObject({
  foregroundColor: color.optional(),
  foregroundColorStyle: colorStyle.optional(),
  fontFamily: z.string().optional(),
  fontSize: z.number().int().min(1).optional(),
  bold: z.boolean().optional(),
  italic: z.boolean().optional(),
  strikethrough: z.boolean().optional(),
  underline: z.boolean().optional(),
  link: z.strictObject({ uri: z.string() }).optional(),
});

export const border = z.strictObject({
  style: z.enum(['DOTTED', 'DASHED', 'SOLID', 'SOLID_MEDIUM', 'SOLID_THICK', 'NONE', 'DOUBLE']).optional(),
  width: z.number().int().min(0).optional(),
  color: color.optional(),
  colorStyle: colorStyle.optional(),
});

const padding = z.strictObject({
  top: z.number().int().optional(),
  right: z.number().int().optional(),
  bottom: z.number().int().optional(),
  left: z.number().int().optional(),
});

export const cellFormat = z.strictObject({
  numberFormat: numberFormat.optional(),
  backgroundColor: color.optional(),
  backgroundColorStyle: colorStyle.optional(),
  borders: z
    .strictObject({
      top: border.optional(),
      bottom: border.optional(),
      left: border.optional(),
      right: border.optional(),
    })
    .optional(),
  padding: padding.optional(),
  horizontalAlignment: z.enum(['LEFT', 'CENTER', 'RIGHT']).optional(),
  verticalAlignment: z.enum(['TOP', 'MIDDLE', 'BOTTOM']).optional(),
  wrapStrategy: z.enum(['OVERFLOW_CELL', 'LEGACY_WRAP', 'CLIP', 'WRAP']).optional(),
  textDirection: z.enum(['LEFT_TO_RIGHT', 'RIGHT_TO_LEFT']).optional(),
  textFormat: textFormat.optional(),
  hyperlinkDisplayType: z.enum(['LINKED', 'PLAIN_TEXT']).optional(),
  textRotation: z
    .strictObject({ angle: z.number().int().optional(), vertical: z.boolean().optional() })
    .optional(),
});
export type CellFormat = z.infer<typeof cellFormat>;

/**
 * Pairs of fields that are one value: the deprecated `backgroundColor` and `backgroundColorStyle` ("If
 * backgroundColor is also set, this field takes precedence", Sheets API: CellFormat), likewise a text format's
 * `foregroundColor` and a border's `color`. Writing either writes both, and both read back.
 */
const ALIASES: ReadonlyArray<readonly [string, string]> = [
  ['backgroundColor', 'backgroundColorStyle'],
  ['foregroundColor', 'foregroundColorStyle'],
  ['color', 'colorStyle'],
];

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A Color as Sheets answers it: zero components left out (black reads back as `{}`). */
function tidyColor(c: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(c)) if (v !== 0) out[k] = v;
  return out;
}

/** Fills each alias pair from the member given (the style wins when both are) and tidies colours, recursively. */
export function normaliseFormat(f: Json): Json {
  const out: Json = {};
  const inner = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(inner) : isObject(v) ? normaliseFormat(v) : v;
  for (const [k, v] of Object.entries(f)) out[k] = k === 'numberFormat' ? v : inner(v);
  for (const [plain, style] of ALIASES) {
    const s = out[style];
    const p = out[plain];
    if (isObject(s) && isObject(s['rgbColor'])) out[plain] = s['rgbColor'];
    else if (isObject(p) && s === undefined) out[style] = { rgbColor: p };
  }
  for (const [plain, style] of ALIASES) {
    if (isObject(out[plain])) out[plain] = tidyColor(out[plain]);
    const s = out[style];
    if (isObject(s) && isObject(s['rgbColor'])) out[style] = { ...s, rgbColor: tidyColor(s['rgbColor']) };
  }
  return out;
}

/** A mask with each alias pair's other member added wherever one is named, at every level. */
function withAliases(mask: Mask): Mask {
  const out: Mask = new Map();
  for (const [k, v] of mask) out.set(k, v === true ? true : withAliases(v));
  for (const [a, b] of ALIASES) {
    const va = out.get(a);
    const vb = out.get(b);
    if (va !== undefined && vb === undefined) out.set(b, true);
    if (vb !== undefined && va === undefined) out.set(a, true);
  }
  return out;
}

/**
 * The masked fields of `source` written over `target`: a field the mask names whole is replaced (or cleared when
 * `source` lacks it), a nested mask recurses, and fields outside the mask keep their values. `*` names every field.
 */
export function overlay(target: unknown, source: unknown, mask: Mask | true): unknown {
  if (mask === true || mask.get('*') === true)
    return source === undefined ? undefined : structuredClone(source);
  const t: Json = isObject(target) ? { ...target } : {};
  const s: Json = isObject(source) ? source : {};
  for (const [k, sub] of mask) {
    const v = overlay(t[k], s[k], sub);
    if (v === undefined) delete t[k];
    else t[k] = v;
  }
  return Object.keys(t).length ? t : undefined;
}

/** `userEnteredFormat` after an update with the given mask (true: the whole format). */
export function applyFormat(
  current: Json | undefined,
  given: Json | undefined,
  mask: Mask | true,
): Json | undefined {
  const src = given ? normaliseFormat(given) : undefined;
  const out = overlay(current, src, mask === true ? true : withAliases(mask));
  return isObject(out) ? out : undefined;
}

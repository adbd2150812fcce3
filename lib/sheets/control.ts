/**
 * The control spreadsheet read into the project's methodology JSON (the format `compileMethodology` checks) and the
 * list of zones. Each tab is a header-driven table with one zod schema per row; a field that does not read (a
 * weight of `abc`) is a problem at its cell, and the row is still kept with the fields that did read, so one
 * slip does not hide the rest of the methodology. A column or Settings key the reader does not know, or one given
 * twice, is an error naming the closest known one: the edit is refused rather than read without it.
 * `locateIssue` maps an issue of `compileMethodology` back to a cell.
 */

import type { MethodologyIssue } from '../core/methodology';
import { closest } from '../core/suggest';
import * as z from '../core/zod';
import {
  GOVERNANCE_SETTINGS,
  type GovernanceSettings,
  parseFreezeSetting,
  parseLiveSetting,
  parseMethodologistsSetting,
} from '../pipeline/governance';
import type { ControlOrigins, ControlRead, ControlZone, SheetProblem } from '../pipeline/ports';
import { cellA1, columnA1, columnLetters, quoteTab } from './a1';
import { cellScalar, isBlankRow, rowTexts, type TabGrid } from './grid';
import { type ColumnSpec, findHeaderRow, matchHeaders, normaliseHeader } from './headers';
import {
  AGGREGATE_COLUMNS,
  CONTROL_TABS,
  GRADE_COLUMNS,
  INDICATOR_COLUMNS,
  SETTING_COLUMNS,
  SETTINGS,
  type SettingType,
  ZONE_COLUMNS,
} from './layout';

type Scalar = number | string | boolean | null;

const quote = (s: string) => `“${s.length > 40 ? `${s.slice(0, 39)}…` : s}”`;

// ---------------------------------------------------------------------------------------------------------------
// Field readers: what a person types in a control cell, as the methodology wants it.

const blank = (v: unknown) => v === null || v === undefined || (typeof v === 'string' && v.trim() === '');

function toText(v: unknown): unknown {
  if (blank(v)) return undefined;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return typeof v === 'string' ? v.trim() : v;
}

function toNumber(v: unknown): unknown {
  if (blank(v)) return undefined;
  if (typeof v !== 'string') return v;
  const t = v.normalize('NFKC').replace(/\s/g, '');
  // A comma only groups thousands (1,500): `1,5` is a decimal comma, refused rather than read as 15.
  if (t.includes(',') && !/^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(t)) return v;
  const s = t.replace(/,/g, '');
  const n = Number(s);
  return s !== '' && Number.isFinite(n) ? n : v;
}

const YES = new Set(['yes', 'y', 'true', '1', '是', 'required', '必填']);
const NO = new Set(['no', 'n', 'false', '0', '否', '']);
function toBool(v: unknown): unknown {
  if (blank(v)) return undefined;
  if (typeof v === 'boolean') return v;
  const s = String(v).normalize('NFKC').trim().toLowerCase();
  if (YES.has(s)) return true;
  if (NO.has(s)) return false;
  return v;
}

const PLUS = new Set([
  '1',
  '+1',
  '+',
  'benefit',
  'positive',
  'higher',
  'more',
  'higher is better',
  'more is better',
  '正向',
  '正',
]);
const MINUS = new Set([
  '-1',
  '-',
  'cost',
  'negative',
  'lower',
  'less',
  'lower is better',
  'less is better',
  '负向',
  '逆向',
  '负',
]);
function toDirection(v: unknown): unknown {
  if (blank(v)) return undefined;
  const s = String(v).normalize('NFKC').trim().toLowerCase();
  if (PLUS.has(s)) return 1;
  if (MINUS.has(s)) return -1;
  return v;
}

function toList(v: unknown): unknown {
  if (blank(v)) return [];
  return String(v)
    .split(/[,;，；\s]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

const found = (issue: { input?: unknown }) =>
  blank(issue.input) ? '' : ` (found ${quote(String(issue.input))})`;
/** A cell's value made ready (`to...` above) before its schema checks it: classic zod's `preprocess`, in mini. */
const cell = <S extends z.core.$ZodType>(prepare: (v: unknown) => unknown, schema: S) =>
  z.pipe(z.transform(prepare), schema);
const text = cell(toText, z.optional(z.string()));
const requiredText = cell(toText, z.string({ error: 'is empty' }));
const num = cell(toNumber, z.optional(z.number({ error: (i) => `must be a number${found(i)}` })));
const int = cell(
  toNumber,
  z.optional(
    z
      .number({ error: (i) => `must be a whole number${found(i)}` })
      .check(z.int({ error: (i) => `must be a whole number${found(i)}` })),
  ),
);
const bool = cell(toBool, z.optional(z.boolean({ error: (i) => `must be yes or no${found(i)}` })));
const direction = cell(
  toDirection,
  z.optional(
    z.union([z.literal(1), z.literal(-1)], {
      error: (i) => `must be 1 (more is better) or -1 (less is better)${found(i)}`,
    }),
  ),
);
const list = cell(toList, z.array(z.string()));

const zoneRow = z.object({
  zone_id: requiredText,
  name_en: text,
  name_zh: text,
  province: text,
  batch: int,
  spreadsheet_id: text,
  editors: list,
});
const indicatorRow = z.object({
  code: requiredText,
  name_en: text,
  name_zh: text,
  parent: text,
  unit: text,
  direction,
  weight: num,
  definition: text,
  min: num,
  max: num,
  required: bool,
  source: text,
  denominator: text,
  goalpost_low: num,
  goalpost_high: num,
  target: num,
  missing: text,
});
const aggregateRow = z.object({
  code: requiredText,
  name_en: text,
  name_zh: text,
  parent: text,
  weight: num,
  method: text,
});
const gradeRow = z.object({
  code: requiredText,
  label_en: text,
  label_zh: text,
  count: int,
  share: num,
  min_score: num,
  colour: text,
});

// ---------------------------------------------------------------------------------------------------------------
// Tables

type TableRecord<T> = { row: number; a1: string; fields: Record<string, string>; value: T };

/**
 * Reads a header-driven table: every non-blank row after the header, through `schema`. Fields that fail are
 * problems at their cells and are left out of the record (so the methodology's own defaults or checks apply).
 */
function readTable<S extends z.ZodMiniObject>(
  grid: TabGrid,
  columns: readonly ColumnSpec[],
  schema: S,
  problems: SheetProblem[],
): TableRecord<Partial<z.output<S>>>[] | null {
  const tab = grid.title;
  const headerRow = findHeaderRow(
    grid.rows.slice(0, 20).map((r) => rowTexts(r)),
    columns,
  );
  if (headerRow < 0) {
    problems.push({
      kind: 'missing-header',
      severity: 'error',
      at: `${quoteTab(tab)}!1:1`,
      message: `No header row was found on “${tab}”: the first row must name the columns (${columns.map((c) => c.header).join(', ')}).`,
    });
    return null;
  }
  const match = matchHeaders(rowTexts(grid.rows[headerRow]), columns);
  for (const m of match.missing) {
    problems.push({
      kind: 'missing-column',
      severity: 'error',
      at: `${quoteTab(tab)}!${headerRow + 1}:${headerRow + 1}`,
      message: `The header row of “${tab}” has no “${m.header}” column (${m.zh}), so the tab could not be read.`,
    });
  }
  if (match.missing.length) return null;
  // A column the reader does not know is refused, not skipped: a misspelt `wieght` header would otherwise drop every
  // weight silently. The methodology in force stays until the column is renamed or deleted.
  const names = columns.flatMap((c) => [c.header, c.zh, ...(c.aliases ?? [])]);
  for (const u of match.unknown) {
    const meant = closest(u.text, names);
    const header =
      meant === null
        ? undefined
        : columns.find((c) => c.header === meant || c.zh === meant || c.aliases?.includes(meant))?.header;
    problems.push({
      kind: 'extra-column',
      severity: 'error',
      at: columnA1(tab, u.col),
      message: `Column ${columnLetters(u.col)} of “${tab}” (${quote(u.text)}) is not a known column${header === undefined ? '' : ` (did you mean “${header}”?)`}: rename it${header === undefined ? ` to one of ${columns.map((c) => c.header).join(', ')}` : ''}, or move it to another tab.`,
    });
  }
  for (const u of match.repeated) {
    const header = columns.find((c) => c.key === u.key)?.header ?? u.key;
    problems.push({
      kind: 'extra-column',
      severity: 'error',
      at: columnA1(tab, u.col),
      message: `Column ${columnLetters(u.col)} of “${tab}” (${quote(u.text)}) is a second “${header}” column, after column ${columnLetters(u.first)}: delete one of them.`,
    });
  }
  const out: TableRecord<Partial<z.output<S>>>[] = [];
  const shape = schema.shape as Record<string, z.ZodMiniType>;
  const first = columns[0]!;
  for (let r = headerRow + 1; r < grid.rows.length; r++) {
    const row = grid.rows[r];
    if (isBlankRow(row)) continue;
    const value: Record<string, unknown> = {};
    let rowOk = true;
    for (const [key, field] of Object.entries(shape)) {
      const col = match.columns.get(key);
      const raw: Scalar = col === undefined ? null : cellScalar(row?.[col]);
      const parsed = field.safeParse(raw);
      if (parsed.success) {
        if (parsed.data !== undefined) value[key] = parsed.data;
        continue;
      }
      if (key === first.key) rowOk = false;
      const header = columns.find((c) => c.key === key)?.header ?? key;
      problems.push({
        kind: 'invalid-field',
        severity: 'error',
        at: cellA1(tab, r, col ?? match.columns.get(first.key) ?? 0),
        message: `Row ${r + 1} of “${tab}”: ${header} ${parsed.error.issues[0]?.message ?? 'is not valid'}.`,
      });
    }
    // A row without its key (code, zone id) cannot be placed in the methodology: it is reported and left out.
    if (!rowOk) continue;
    const fields: Record<string, string> = {};
    for (const [key, col] of match.columns) fields[key] = cellA1(tab, r, col);
    out.push({
      row: r + 1,
      a1: cellA1(tab, r, match.columns.get(first.key) ?? 0),
      fields,
      value: value as Partial<z.output<S>>,
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// The control spreadsheet

export type ControlGrids = {
  zones: TabGrid | null;
  indicators: TabGrid | null;
  aggregates: TabGrid | null;
  grades: TabGrid | null;
  settings: TabGrid | null;
};

const REQUIRED_TABS = new Set<keyof ControlGrids>(['zones', 'indicators']);

const defined = <T extends Record<string, unknown>>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

const settingByName = new Map<string, (typeof SETTINGS)[number]>();
for (const s of SETTINGS)
  for (const n of [s.key, ...(s.aliases ?? [])]) settingByName.set(normaliseHeader(n), s);
/** The canonical keys, for the closest-name hint (aliases would be suggested in their place otherwise). */
const settingNames = [...SETTINGS.map((s) => s.key), ...GOVERNANCE_SETTINGS];

function readSetting(
  raw: Scalar,
  type: SettingType,
): { ok: true; value: unknown } | { ok: false; message: string } {
  if (type === 'json') {
    if (typeof raw !== 'string') return { ok: false, message: 'must be JSON text, such as [1, 2]' };
    try {
      return { ok: true, value: JSON.parse(raw) };
    } catch {
      return { ok: false, message: `is not valid JSON (found ${quote(raw)})` };
    }
  }
  const field = type === 'string' ? requiredText : type === 'int' ? int : num;
  const parsed = field.safeParse(raw);
  if (!parsed.success) return { ok: false, message: parsed.error.issues[0]?.message ?? 'is not valid' };
  if (parsed.data === undefined) return { ok: false, message: 'is empty' };
  return { ok: true, value: parsed.data };
}

function setPath(root: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = root;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i]!;
    const nextIsIndex = /^\d+$/.test(path[i + 1]!);
    let child = node[key];
    if (child === undefined || child === null || typeof child !== 'object') {
      child = nextIsIndex ? [] : {};
      node[key] = child;
    }
    node = child as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

/** Reads the control tabs into a methodology (unchecked) and zones, with problems per row and field. */
export function readControlGrids(spreadsheetId: string, grids: ControlGrids): ControlRead {
  const problems: SheetProblem[] = [];
  const origins: ControlOrigins = { indicators: [], aggregates: [], grades: [], settings: {} };
  for (const [key, title] of Object.entries(CONTROL_TABS) as [keyof ControlGrids, string][]) {
    if (grids[key] !== null) continue;
    const required = REQUIRED_TABS.has(key);
    problems.push({
      kind: 'missing-tab',
      severity: required ? 'error' : 'warning',
      at: title,
      message: required
        ? `The tab “${title}” is missing: it was renamed or deleted, and the evaluation cannot run without it.`
        : `The tab “${title}” is missing: the methodology's defaults apply instead.`,
    });
  }

  const zones: ControlZone[] = [];
  if (grids.zones) {
    const seen = new Map<string, number>();
    const sheets = new Map<string, number>();
    for (const rec of readTable(grids.zones, ZONE_COLUMNS, zoneRow, problems) ?? []) {
      const v = rec.value;
      if (v.zone_id === undefined) continue;
      const prev = seen.get(v.zone_id);
      if (prev !== undefined) {
        problems.push({
          kind: 'duplicate-row',
          severity: 'error',
          at: rec.a1,
          code: v.zone_id,
          message: `Row ${rec.row} of “Zones” repeats the zone ${quote(v.zone_id)} of row ${prev}; only row ${prev} is used.`,
        });
        continue;
      }
      seen.set(v.zone_id, rec.row);
      if (v.spreadsheet_id !== undefined) {
        const other = sheets.get(v.spreadsheet_id);
        if (other !== undefined)
          problems.push({
            kind: 'duplicate-row',
            severity: 'error',
            at: rec.a1,
            code: v.zone_id,
            message: `Row ${rec.row} of “Zones” gives the spreadsheet of row ${other} to another zone: each spreadsheet belongs to one zone.`,
          });
        else sheets.set(v.spreadsheet_id, rec.row);
      }
      zones.push({
        zoneId: v.zone_id,
        ...defined({
          nameEn: v.name_en,
          nameZh: v.name_zh,
          province: v.province,
          batch: v.batch,
          spreadsheetId: v.spreadsheet_id,
        }),
        editors: v.editors ?? [],
      });
    }
  }

  const methodology: Record<string, unknown> = {};
  if (grids.indicators) {
    const indicators: Record<string, unknown>[] = [];
    for (const rec of readTable(grids.indicators, INDICATOR_COLUMNS, indicatorRow, problems) ?? []) {
      const v = rec.value;
      const lo = v.goalpost_low;
      const hi = v.goalpost_high;
      if ((lo === undefined) !== (hi === undefined))
        problems.push({
          kind: 'invalid-field',
          severity: 'error',
          at: rec.a1,
          code: v.code,
          message: `Row ${rec.row} of “Indicators”: goalposts need both goalpost_low and goalpost_high.`,
        });
      indicators.push(
        defined({
          code: v.code,
          nameEn: v.name_en,
          nameZh: v.name_zh,
          parent: v.parent,
          unit: v.unit,
          direction: v.direction,
          weight: v.weight,
          definition: v.definition,
          min: v.min,
          max: v.max,
          required: v.required,
          source: v.source,
          denominator: v.denominator,
          goalposts: lo !== undefined && hi !== undefined ? [lo, hi] : undefined,
          target: v.target,
          missing: v.missing,
        }),
      );
      origins.indicators.push({ at: rec.a1, fields: rec.fields });
    }
    methodology['indicators'] = indicators;
  }
  if (grids.aggregates) {
    const aggregates: Record<string, unknown>[] = [];
    for (const rec of readTable(grids.aggregates, AGGREGATE_COLUMNS, aggregateRow, problems) ?? []) {
      const v = rec.value;
      aggregates.push(
        defined({
          code: v.code,
          nameEn: v.name_en,
          nameZh: v.name_zh,
          parent: v.parent,
          weight: v.weight,
          method: v.method,
        }),
      );
      origins.aggregates.push({ at: rec.a1, fields: rec.fields });
    }
    methodology['aggregates'] = aggregates;
  }
  const grades: Record<string, unknown>[] = [];
  if (grids.grades) {
    for (const rec of readTable(grids.grades, GRADE_COLUMNS, gradeRow, problems) ?? []) {
      const v = rec.value;
      grades.push(
        defined({
          code: v.code,
          label: v.label_en,
          labelZh: v.label_zh,
          count: v.count,
          share: v.share,
          minScore: v.min_score,
          colour: v.colour,
        }),
      );
      origins.grades.push({ at: rec.a1, fields: rec.fields });
    }
  }
  const governance: GovernanceSettings = { live: null, freeze: null, methodologists: null };
  if (grids.settings) readSettings(grids.settings, methodology, origins, problems, governance);
  if (grids.grades) {
    const grade = (methodology['grade'] ?? {}) as Record<string, unknown>;
    grade['grades'] = grades;
    methodology['grade'] = grade;
  }
  const normalise = methodology['normalise'] as { range?: unknown[] } | undefined;
  if (Array.isArray(normalise?.range)) {
    // One end given: the other keeps its default, so `normalise.range_high 10` means [0, 10].
    normalise.range = [normalise.range[0] ?? 0, normalise.range[1] ?? 100];
  }
  return { spreadsheetId, methodology, zones, origins, problems, governance };
}

function readSettings(
  grid: TabGrid,
  methodology: Record<string, unknown>,
  origins: ControlOrigins,
  problems: SheetProblem[],
  governance: GovernanceSettings,
): void {
  const rows = readTable(
    grid,
    SETTING_COLUMNS,
    z.object({ key: requiredText, value: z.unknown() }),
    problems,
  );
  if (rows === null) return;
  for (const rec of rows) {
    const key = rec.value.key;
    if (key === undefined) continue;
    const at = rec.fields['value'] ?? rec.a1;
    const governed = GOVERNANCE_SETTINGS.find((g) => g === normaliseHeader(key));
    if (governed !== undefined) {
      // Not methodology: `live`, `freeze` and `methodologists` never change the version, so setting them is not an
      // edit to preview.
      const raw = rec.value.value;
      const read =
        governed === 'live'
          ? parseLiveSetting(raw)
          : governed === 'freeze'
            ? parseFreezeSetting(raw)
            : parseMethodologistsSetting(raw);
      if (governance[governed] !== null || origins.settings[governed] !== undefined)
        problems.push({
          kind: 'duplicate-row',
          severity: 'error',
          at: rec.a1,
          message: `Row ${rec.row} of “Settings” sets ${quote(governed)} again, after ${origins.settings[governed]}: keep one of the two rows.`,
        });
      else if (raw === null || raw === undefined || raw === '') origins.settings[governed] = at;
      else if (!read.ok)
        problems.push({
          kind: 'invalid-field',
          severity: 'error',
          at,
          message: `Row ${rec.row} of “Settings”: ${governed} ${read.message}.`,
        });
      else {
        origins.settings[governed] = at;
        Object.assign(governance, { [governed]: read.value });
      }
      continue;
    }
    const setting = settingByName.get(normaliseHeader(key));
    if (setting === undefined) {
      const meant = closest(key, settingNames);
      const hint = meant === null ? '' : ` (did you mean “${meant}”?)`;
      problems.push({
        kind: 'unknown-setting',
        severity: 'error',
        at: rec.a1,
        message: `Row ${rec.row} of “Settings”: ${quote(key)} is not a known setting${hint}. ${hint ? 'Correct the key' : `Known settings: ${SETTINGS.map((s) => s.key).join(', ')}`}, or delete the row.`,
      });
      continue;
    }
    if (origins.settings[setting.key] !== undefined) {
      problems.push({
        kind: 'duplicate-row',
        severity: 'error',
        at: rec.a1,
        message: `Row ${rec.row} of “Settings” sets ${quote(setting.key)} again, after ${origins.settings[setting.key]}: keep one of the two rows.`,
      });
      continue;
    }
    const raw = rec.value.value;
    const value = readSetting(
      typeof raw === 'number' || typeof raw === 'string' || typeof raw === 'boolean' ? raw : null,
      setting.type,
    );
    if (!value.ok) {
      problems.push({
        kind: 'invalid-field',
        severity: 'error',
        at,
        message: `Row ${rec.row} of “Settings”: ${setting.key} ${value.message}.`,
      });
      continue;
    }
    origins.settings[setting.key] = at;
    setPath(methodology, setting.path, value.value);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Issues of the compiled methodology, placed on the sheet

const FIELD_COLUMN: Record<string, string> = {
  nameEn: 'name_en',
  nameZh: 'name_zh',
  minScore: 'min_score',
  label: 'label_en',
  labelZh: 'label_zh',
  goalposts: 'goalpost_low',
};

/**
 * The cell an issue of `compileMethodology` points at (`indicators[3] (T04).direction` is the direction cell of
 * the fourth indicator's row), or the row's first cell, or null when the issue concerns no row.
 */
export function locateIssue(
  control: Pick<ControlRead, 'origins' | 'methodology'>,
  issue: MethodologyIssue,
): string | null {
  const byCode = hierarchyIssue(control, issue);
  if (byCode !== undefined) return byCode;
  const m = /^(indicators|aggregates|grade\.grades)\[(\d+)\](?: \([^)]*\))?(?:\.(\w+))?/.exec(issue.path);
  if (m) {
    const list =
      m[1] === 'indicators'
        ? control.origins.indicators
        : m[1] === 'aggregates'
          ? control.origins.aggregates
          : control.origins.grades;
    const origin = list[Number(m[2])];
    if (origin === undefined) return null;
    const field = m[3];
    if (field === undefined) return origin.at;
    return origin.fields[FIELD_COLUMN[field] ?? field] ?? origin.at;
  }
  for (const s of SETTINGS) {
    const key = s.path.join('.');
    // The setting itself, a part of it (`grade.gates[0]`, `uncertainty.normalise[1].range`), or the whole that
    // two rows hold between them (`normalise.range`: its first row given).
    if (
      issue.path === key ||
      issue.path.startsWith(`${key}.`) ||
      issue.path.startsWith(`${key}[`) ||
      key.startsWith(`${issue.path}.`)
    ) {
      const at = control.origins.settings[s.key];
      if (at !== undefined) return at;
    }
  }
  return null;
}

const codesOf = (list: unknown): (string | undefined)[] =>
  Array.isArray(list)
    ? list.map((x) => {
        const code = (x as { code?: unknown } | null)?.code;
        return typeof code === 'string' ? code : undefined;
      })
    : [];

/**
 * Issues of the hierarchy named by an aggregate's code rather than a row index: `aggregates (D01)` whose children's
 * weights sum to zero points at the first child's weight cell; `aggregates` with more than one root at the parent
 * cell of the first parentless aggregate it names. Undefined for other issues.
 */
function hierarchyIssue(
  control: Pick<ControlRead, 'origins' | 'methodology'>,
  issue: MethodologyIssue,
): string | null | undefined {
  const indicators = codesOf(control.methodology['indicators']);
  const aggregates = codesOf(control.methodology['aggregates']);
  const parentOf = (list: unknown, k: number) =>
    Array.isArray(list) ? (list[k] as { parent?: unknown })?.parent : undefined;
  const named = /^aggregates \(([^)]+)\)$/.exec(issue.path);
  if (named && /sum to zero/.test(issue.message)) {
    const code = named[1];
    for (const [list, origins, codes] of [
      [control.methodology['indicators'], control.origins.indicators, indicators],
      [control.methodology['aggregates'], control.origins.aggregates, aggregates],
    ] as const)
      for (let k = 0; k < codes.length; k++)
        if (parentOf(list, k) === code) return origins[k]?.fields['weight'] ?? origins[k]?.at ?? null;
    const own = aggregates.indexOf(code);
    return own < 0 ? null : (control.origins.aggregates[own]?.at ?? null);
  }
  const roots = /found \d+: ([^,]+),/.exec(issue.message);
  if (issue.path === 'aggregates' && roots) {
    const k = aggregates.indexOf(roots[1]!.trim());
    return k < 0
      ? null
      : (control.origins.aggregates[k]?.fields['parent'] ?? control.origins.aggregates[k]?.at ?? null);
  }
  return undefined;
}

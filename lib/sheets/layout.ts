/**
 * The layouts of the tabs people work in (DESIGN section 3): tab names, columns with English headers and Chinese
 * names in the header's note, and builders that the local stack and the provisioning CLI use to create the sheets.
 * Pure: the builders return cells, and `requests.ts` turns them into Sheets API requests.
 */
import type { Methodology } from '../core/methodology';
import type { ControlZone } from '../pipeline/ports';
import type { ColumnSpec } from './headers';

export const FORM_TAB = 'Form';
export const FEEDBACK_TAB = 'Feedback';
export const CONTROL_TABS = {
  zones: 'Zones',
  indicators: 'Indicators',
  aggregates: 'Aggregates',
  grades: 'Grades',
  settings: 'Settings',
} as const;

/** Labels of the cell left of the zone id, above a form's header row. */
export const ZONE_LABEL: ColumnSpec = {
  key: 'zone_id',
  header: 'Zone ID',
  zh: '试验区代码',
  aliases: ['zone', '试验区', '综试区', '综试区代码'],
  help: 'The zone this spreadsheet reports for. Do not change it.',
};

export const FORM_COLUMNS: readonly ColumnSpec[] = [
  {
    key: 'code',
    header: 'Code',
    zh: '指标代码',
    required: true,
    aliases: ['代码', 'indicator code', '编号'],
    help: 'Indicator code. Do not change it.',
  },
  { key: 'indicator', header: 'Indicator', zh: '指标名称', aliases: ['指标', 'name', 'indicator name'] },
  { key: 'unit', header: 'Unit', zh: '单位', aliases: ['units'] },
  {
    key: 'value',
    header: 'Value',
    zh: '数值',
    required: true,
    aliases: ['填报值', '填报数值', '数据', 'value 2025'],
    help: 'Type the value in the unit shown. Leave blank when there is no data.',
  },
  { key: 'note', header: 'Note', zh: '备注', aliases: ['notes', 'comment', 'comments', '说明'] },
];

export const ZONE_COLUMNS: readonly ColumnSpec[] = [
  { key: 'zone_id', header: 'zone_id', zh: '试验区代码', required: true, aliases: ['zone', 'id'] },
  { key: 'name_en', header: 'name_en', zh: '英文名称', aliases: ['name', 'english name'] },
  { key: 'name_zh', header: 'name_zh', zh: '中文名称', aliases: ['名称', 'chinese name'] },
  { key: 'province', header: 'province', zh: '省份', aliases: ['province_en', '省'] },
  { key: 'batch', header: 'batch', zh: '批次' },
  { key: 'spreadsheet_id', header: 'spreadsheet_id', zh: '填报表格ID', aliases: ['spreadsheet', 'sheet id'] },
  {
    key: 'editors',
    header: 'editors',
    zh: '填报人邮箱',
    aliases: ['emails', 'officials'],
    help: 'Email addresses, separated by commas.',
  },
];

export const INDICATOR_COLUMNS: readonly ColumnSpec[] = [
  { key: 'code', header: 'code', zh: '指标代码', required: true },
  { key: 'name_en', header: 'name_en', zh: '英文名称', aliases: ['name'] },
  { key: 'name_zh', header: 'name_zh', zh: '中文名称' },
  { key: 'parent', header: 'parent', zh: '上级维度' },
  { key: 'unit', header: 'unit', zh: '单位' },
  { key: 'direction', header: 'direction', zh: '方向', help: '1: more is better; -1: less is better.' },
  { key: 'weight', header: 'weight', zh: '权重' },
  { key: 'definition', header: 'definition', zh: '定义' },
  { key: 'min', header: 'min', zh: '最小值' },
  { key: 'max', header: 'max', zh: '最大值' },
  { key: 'required', header: 'required', zh: '必填' },
  {
    key: 'source',
    header: 'source',
    zh: '数据来源',
    help: "'zone', or 'central:<tab>' for a central department's tab.",
  },
  { key: 'denominator', header: 'denominator', zh: '分母指标' },
  { key: 'goalpost_low', header: 'goalpost_low', zh: '目标下限' },
  { key: 'goalpost_high', header: 'goalpost_high', zh: '目标上限' },
  { key: 'target', header: 'target', zh: '目标值' },
  {
    key: 'missing',
    header: 'missing',
    zh: '缺失值规则',
    help: 'impute, worst or bound: how a value not reported is scored.',
  },
];

export const AGGREGATE_COLUMNS: readonly ColumnSpec[] = [
  { key: 'code', header: 'code', zh: '代码', required: true },
  { key: 'name_en', header: 'name_en', zh: '英文名称', aliases: ['name'] },
  { key: 'name_zh', header: 'name_zh', zh: '中文名称' },
  { key: 'parent', header: 'parent', zh: '上级' },
  { key: 'weight', header: 'weight', zh: '权重' },
  { key: 'method', header: 'method', zh: '合成方法' },
];

export const GRADE_COLUMNS: readonly ColumnSpec[] = [
  { key: 'code', header: 'code', zh: '等级代码', required: true },
  { key: 'label_en', header: 'label_en', zh: '英文名称', aliases: ['label'] },
  { key: 'label_zh', header: 'label_zh', zh: '中文名称' },
  { key: 'count', header: 'count', zh: '名额' },
  { key: 'share', header: 'share', zh: '比例' },
  { key: 'min_score', header: 'min_score', zh: '最低分' },
  { key: 'colour', header: 'colour', zh: '颜色', aliases: ['color'] },
];

export const SETTING_COLUMNS: readonly ColumnSpec[] = [
  { key: 'key', header: 'key', zh: '设置项', required: true, aliases: ['setting'] },
  { key: 'value', header: 'value', zh: '值', required: true },
];

export const CENTRAL_ZONE_COLUMN: ColumnSpec = {
  key: 'zone_id',
  header: 'zone_id',
  zh: '试验区代码',
  required: true,
  aliases: ['zone'],
};

/**
 * Settings keys as written on the control sheet, with the methodology path each fills and how its value reads.
 * DESIGN's spellings (`grade method`, `uncertainty runs`, `seed`) are accepted as aliases.
 */
/** `json` holds a structured value as JSON text (the uncertainty alternatives, grading gates): rare edits, kept exact. */
export type SettingType = 'string' | 'number' | 'int' | 'json';
export const SETTINGS: ReadonlyArray<{
  key: string;
  path: readonly string[];
  type: SettingType;
  aliases?: readonly string[];
}> = [
  { key: 'name', path: ['name'], type: 'string' },
  { key: 'name_zh', path: ['nameZh'], type: 'string' },
  { key: 'year', path: ['year'], type: 'int' },
  { key: 'impute', path: ['impute', 'method'], type: 'string', aliases: ['impute.method'] },
  { key: 'impute.group', path: ['impute', 'group'], type: 'string' },
  { key: 'impute.missing', path: ['impute', 'missing'], type: 'string' },
  {
    key: 'screen.min_availability',
    path: ['screen', 'minAvailability'],
    type: 'number',
    aliases: ['screen'],
  },
  { key: 'screen.basis', path: ['screen', 'basis'], type: 'string' },
  { key: 'treat', path: ['treat', 'method'], type: 'string', aliases: ['treat.method'] },
  { key: 'treat.winmax', path: ['treat', 'winmax'], type: 'int' },
  { key: 'treat.skew', path: ['treat', 'skew'], type: 'number' },
  { key: 'treat.kurtosis', path: ['treat', 'kurtosis'], type: 'number' },
  { key: 'treat.lambda', path: ['treat', 'lambda'], type: 'number' },
  {
    key: 'normalise',
    path: ['normalise', 'method'],
    type: 'string',
    aliases: ['normalise.method', 'normalize'],
  },
  { key: 'normalise.range_low', path: ['normalise', 'range', '0'], type: 'number' },
  { key: 'normalise.range_high', path: ['normalise', 'range', '1'], type: 'number' },
  { key: 'normalise.mean', path: ['normalise', 'mean'], type: 'number' },
  { key: 'normalise.sd', path: ['normalise', 'sd'], type: 'number' },
  { key: 'weight', path: ['weight', 'method'], type: 'string', aliases: ['weight.method'] },
  { key: 'aggregate', path: ['aggregate', 'method'], type: 'string', aliases: ['aggregate.method'] },
  { key: 'aggregate.p', path: ['aggregate', 'p'], type: 'number' },
  { key: 'aggregate.min_availability', path: ['aggregate', 'minAvailability'], type: 'number' },
  { key: 'grade', path: ['grade', 'method'], type: 'string', aliases: ['grade.method', 'grade method'] },
  {
    key: 'uncertainty.runs',
    path: ['uncertainty', 'runs'],
    type: 'int',
    aliases: ['uncertainty runs', 'uncertainty'],
  },
  { key: 'uncertainty.seed', path: ['uncertainty', 'seed'], type: 'int', aliases: ['seed'] },
  { key: 'uncertainty.weight_noise', path: ['uncertainty', 'weightNoise'], type: 'json' },
  { key: 'uncertainty.winmax', path: ['uncertainty', 'winmax'], type: 'json' },
  { key: 'uncertainty.normalise', path: ['uncertainty', 'normalise'], type: 'json' },
  { key: 'uncertainty.aggregate', path: ['uncertainty', 'aggregate'], type: 'json' },
  { key: 'grade.gates', path: ['grade', 'gates'], type: 'json' },
  // The evaluation whose published results are last year's (the ranking's change columns).
  {
    key: 'previous_evaluation',
    path: ['previousEvaluation'],
    type: 'string',
    aliases: ['previous year', 'previous_year_evaluation'],
  },
];

/** A cell of a layout: its value (strings are written as text, never as formulas), an optional note and style. */
export type LayoutCell = { value: string | number | boolean | null; note?: string; bold?: boolean };

/** One tab as it is created: title, cells from A1, frozen header rows, and the 0-based columns people edit. */
export type TabLayout = {
  title: string;
  rows: LayoutCell[][];
  frozenRows: number;
  /** Columns left unprotected (the value and note of a form); all others are protected when provisioning. */
  editableColumns?: number[];
  /** First row (0-based) of the editable area. */
  editableFromRow?: number;
};

const cell = (value: LayoutCell['value']): LayoutCell => ({ value });

function headerRow(columns: readonly ColumnSpec[]): LayoutCell[] {
  return columns.map((c) => ({
    value: c.header,
    bold: true,
    note: c.help === undefined ? c.zh : `${c.zh}\n${c.help}`,
  }));
}

/** The indicators a zone types itself, in methodology order. */
export function zoneIndicators(methodology: Pick<Methodology, 'indicators'>): Methodology['indicators'] {
  return methodology.indicators.filter((i) => i.source === 'zone');
}

/**
 * A zone's `Form` tab: the zone id on row 1, the header on row 2, then one row per indicator the zone supplies,
 * with `values` (as the official would type them) in the value column when given.
 */
export function buildFormRows(
  zone: Pick<ControlZone, 'zoneId' | 'nameEn' | 'nameZh'>,
  methodology: Pick<Methodology, 'indicators'>,
  values?: Readonly<Record<string, string | number | null>>,
): TabLayout {
  const name = [zone.nameEn, zone.nameZh].filter((s) => s !== undefined && s !== '').join(' ');
  const rows: LayoutCell[][] = [
    [
      { value: ZONE_LABEL.header, bold: true, note: `${ZONE_LABEL.zh}\n${ZONE_LABEL.help}` },
      cell(zone.zoneId),
      cell(name === '' ? null : name),
    ],
    headerRow(FORM_COLUMNS),
  ];
  for (const ind of zoneIndicators(methodology)) {
    const label = [ind.nameEn, ind.nameZh].filter((s) => s !== undefined && s !== '').join(' / ');
    const row: LayoutCell[] = [
      cell(ind.code),
      ind.definition === undefined ? cell(label) : { value: label, note: ind.definition },
      cell(ind.unit ?? null),
      cell(values?.[ind.code] ?? null),
      cell(null),
    ];
    rows.push(row);
  }
  return { title: FORM_TAB, rows, frozenRows: 2, editableColumns: [3, 4], editableFromRow: 2 };
}

function table(title: string, columns: readonly ColumnSpec[], records: LayoutCell['value'][][]): TabLayout {
  return { title, rows: [headerRow(columns), ...records.map((r) => r.map(cell))], frozenRows: 1 };
}

const opt = <T>(v: T | undefined): T | null => (v === undefined ? null : v);

/** Reads a nested value of the methodology by path, for the Settings tab. */
function at(root: unknown, path: readonly string[]): unknown {
  let node = root;
  for (const p of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[p];
  }
  return node;
}

/**
 * The control spreadsheet's tabs for a methodology and its zones: `readControl` of these tabs gives back a
 * methodology that compiles to the same one. `methodologists`: the Settings row naming who may put a version in
 * force.
 */
export function buildControlTabs(
  methodology: Methodology,
  zones: readonly ControlZone[],
  options: { methodologists?: readonly string[] } = {},
): TabLayout[] {
  const zonesTab = table(
    CONTROL_TABS.zones,
    ZONE_COLUMNS,
    zones.map((z) => [
      z.zoneId,
      opt(z.nameEn),
      opt(z.nameZh),
      opt(z.province),
      opt(z.batch),
      opt(z.spreadsheetId),
      z.editors.length ? z.editors.join(', ') : null,
    ]),
  );
  const indicators = table(
    CONTROL_TABS.indicators,
    INDICATOR_COLUMNS,
    methodology.indicators.map((i) => [
      i.code,
      opt(i.nameEn),
      opt(i.nameZh),
      opt(i.parent),
      opt(i.unit),
      i.direction,
      i.weight,
      opt(i.definition),
      opt(i.min),
      opt(i.max),
      i.required ? 'yes' : 'no',
      i.source,
      opt(i.denominator),
      opt(i.goalposts?.[0]),
      opt(i.goalposts?.[1]),
      opt(i.target),
      opt(i.missing),
    ]),
  );
  const aggregates = table(
    CONTROL_TABS.aggregates,
    AGGREGATE_COLUMNS,
    methodology.aggregates.map((a) => [
      a.code,
      opt(a.nameEn),
      opt(a.nameZh),
      opt(a.parent),
      a.weight,
      opt(a.method),
    ]),
  );
  const grades = table(
    CONTROL_TABS.grades,
    GRADE_COLUMNS,
    methodology.grade.grades.map((g) => [
      g.code,
      opt(g.label),
      opt(g.labelZh),
      opt(g.count),
      opt(g.share),
      opt(g.minScore),
      opt(g.colour),
    ]),
  );
  const settingRows: LayoutCell['value'][][] = [];
  for (const s of SETTINGS) {
    const v = at(methodology, s.path);
    if (s.type === 'json') {
      if (v !== undefined && !(Array.isArray(v) && v.length === 0))
        settingRows.push([s.key, JSON.stringify(v)]);
    } else if (typeof v === 'string' || typeof v === 'number') settingRows.push([s.key, v]);
  }
  // Who may put a version in force: a governing row, not part of the methodology (lib/pipeline/governance.ts).
  if (options.methodologists?.length) settingRows.push(['methodologists', options.methodologists.join(', ')]);
  const settings = table(CONTROL_TABS.settings, SETTING_COLUMNS, settingRows);
  return [zonesTab, indicators, aggregates, grades, settings];
}

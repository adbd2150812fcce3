/**
 * The unit vocabulary: which `unit` spellings a methodology may use. The reader in `units.ts` is lenient by design
 * (it finds a scale, a currency or a count noun wherever it sits), so a misspelt word would be read as something
 * else: `100 milion yuan` loses its `million` and becomes hundreds of yuan, a million times too large. Every word
 * of a unit must therefore be a word of this vocabulary, checked when the methodology compiles.
 *
 * A unit is `[scale] words [of what] [per|/ denominator] [(note)]`: the words before `of`, and the denominator's,
 * come from the lists below; what follows `of` (`Number of crossings`, `kg of oil equivalent`) and a note in
 * brackets (`(constant 2011 PPP)`) describe the unit without changing how values are read, and are free.
 * Numbers (`100`, `10,000`, `0-100`, `$1000`) are allowed anywhere. A Chinese unit is a scale character or none
 * followed by one of the Chinese units listed. `data/README.md` documents the same lists.
 */
import { closest } from '../suggest';
import { normaliseWidth } from './text';
import { CURRENCY_WORDS, EN_SCALE_WORDS, ZH_SCALE_WORDS } from './units';

/** English words of the vocabulary, by what they say; exported for the documentation test. */
// biome-ignore format: word lists read better packed
export const UNIT_WORDS = {
  scale: [...EN_SCALE_WORDS.keys(), 'hundred', 'hundreds', 'ten', 'one', 'a'],
  currency: [...CURRENCY_WORDS.keys()].filter((w) => /^[a-z$]+$/.test(w)).concat(['us', 'hk']),
  percent: ['%', 'percent', 'percentage', 'percentages', 'pct', 'pp', 'points'],
  yesno: ['yes', 'no', 'y', 'n', 'true', 'false', 'boolean', 'bool', 'binary', 'or'],
  measure: [
    'ton', 'tons', 'tonne', 'tonnes', 'teu', 'kg', 'kilograms', 'sq', 'm', 'm2', 'square', 'metre', 'metres',
    'meter', 'meters', 'km', 'kwh', 'mwh', 'gwh', 'twh', 'kw', 'mw', 'mbps', 'gbps', 'litres', 'liters',
    'seconds', 'minutes', 'hours', 'hour', 'days', 'day', 'weeks', 'months', 'years',
  ],
  count: [
    'count', 'number', 'no.', 'enterprise', 'enterprises', 'company', 'companies', 'firm', 'firms',
    'businesses', 'people', 'person', 'persons', 'individuals', 'items', 'item', 'zones', 'platforms',
    'projects', 'parcels', 'packages', 'orders', 'shipments', 'cases', 'employees', 'workers', 'jobs', 'units',
    'pcs', 'pieces', 'times', 'visits', 'events', 'brands', 'stores', 'shops', 'warehouses', 'merchants',
    'sellers', 'trainees', 'students', 'patents', 'countries', 'products', 'declarations', 'entries', 'seats',
    'inhabitants', 'capita', 'head', 'person-times', 'visitors', 'tourists', 'graduates', 'members', 'courses',
  ],
  plain: ['score', 'scores', 'index', 'ratio', 'rate', 'level', 'rank', 'grade', 'gdp', 'ppp', 'value'],
  qualifier: [
    'current', 'constant', 'nominal', 'real', 'international', 'domestic', 'annual', 'average', 'total',
  ],
} as const;

const WORDS: readonly string[] = [...new Set(Object.values(UNIT_WORDS).flat())];
const WORD_SET: ReadonlySet<string> = new Set(WORDS);

/** Chinese units after an optional scale (`亿元`, `万人`, `个`); exported for the documentation test. */
// biome-ignore format: word lists read better packed
export const ZH_UNITS = [
  '元', '人民币', '人民币元', '美元', '欧元', '港元', '日元', '英镑', '个', '家', '人', '人次', '项', '件', '次', '单', '票', '座', '所',
  '名', '户', '条', '批', '场', '笔', '种', '款', '个数', '家数', '人数', '数量', '吨', '标箱', '平方米', '㎡', '公斤', '千克', '千瓦时', '天',
  '日', '小时', '分钟', '秒', '年', '月', '分', '指数', '得分', '百分比', '百分点', '是/否', '是否', '有/无', '否/是',
] as const;
const ZH_UNIT_SET: ReadonlySet<string> = new Set(ZH_UNITS);
const ZH_SCALES = [...ZH_SCALE_WORDS.keys()];
/** Chinese spellings offered as the closest known unit: each unit alone and under the common scales. */
const ZH_SUGGESTIONS = [
  ...ZH_UNITS,
  ...['万', '亿', '十亿', '千'].flatMap((s) => ['元', '美元', '人', '吨', '平方米'].map((u) => s + u)),
];

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;
const NOTE = /[(（[【][^()（）[\]【】]*[)）\]】]/g;
const NUMBERISH = /^[-+$¥€£%]*\d[\d,.\-–+%]*$|^[-–%$¥€£]$/;

/**
 * Whether a methodology's unit is spelled from the vocabulary: null when it is, else a sentence naming the
 * unknown word and, when one is close, the unit with that word corrected.
 *
 * @example unitProblem('100 milion yuan') // "`100 milion yuan` is not a known unit: `milion` is not a unit word (did you mean `100 million yuan`?) ..."
 */
export function unitProblem(unit: string): string | null {
  const label = unit.trim();
  let u = normaliseWidth(label).toLowerCase().replace(/\s+/g, ' ').trim();
  // Notes in brackets, innermost first (`(1 (yes)/0 (no))`), describe the unit and are free.
  for (let before = ''; before !== u; ) {
    before = u;
    u = u.replace(NOTE, ' ');
  }
  u = u
    .replace(/\bper cent\b/g, 'percent')
    .replace(/\s+/g, ' ')
    .trim();
  if (u === '' || ZH_UNIT_SET.has(u.replace(/\s+/g, ''))) return null;
  for (const part of u.split(/\s+per\s+|\/|每/)) {
    const p = part.trim();
    if (p === '') continue;
    const unknown = CJK.test(p) ? unknownChinese(p) : unknownEnglish(p);
    if (unknown !== null) return sentence(label, unknown);
  }
  return null;
}

/** The first English word of `part` (before `of`) that is not in the vocabulary, with its closest word. */
function unknownEnglish(part: string): { word: string; meant: string | null } | null {
  const head = part.split(/\s+of\s+/)[0] ?? '';
  for (const token of head.split(/[\s,;]+/)) {
    if (token === '' || token === 'of' || WORD_SET.has(token) || NUMBERISH.test(token)) continue;
    // `$1000`, `us$`, `usd1000`: a currency glued to a number.
    if (/^(?:[$¥€£]|us\$)\d[\d,.]*$/.test(token)) continue;
    return { word: token, meant: closest(token, WORDS) };
  }
  return null;
}

function unknownChinese(part: string): { word: string; meant: string | null } | null {
  // `人民币亿元`: the currency may also be named first.
  const p = part
    .replace(/\s+/g, '')
    .replace(/^[\d,.]+/, '')
    .replace(/^人民币(?=.)/, '');
  for (const scale of ['', ...ZH_SCALES]) {
    if (p.startsWith(scale) && ZH_UNIT_SET.has(p.slice(scale.length))) return null;
  }
  return { word: p, meant: closest(p, ZH_SUGGESTIONS) };
}

function sentence(label: string, unknown: { word: string; meant: string | null }): string {
  const corrected =
    unknown.meant === null ? null : label.replace(new RegExp(escapeRegExp(unknown.word), 'i'), unknown.meant);
  const hint =
    corrected !== null && corrected !== label
      ? ` (did you mean \`${corrected}\`?)`
      : '; data/README.md lists the unit spellings';
  const which = unknown.word === label ? '' : `: \`${unknown.word}\` is not a unit word`;
  return `\`${label}\` is not a known unit${which}${hint}`;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Bad CSV data and bad methodology JSON through the CLI's own path (`zone-eval score`, in-process): each must end
 * with exit code 2 and one clear error naming the file, the line or field, and the remedy; never a stack trace.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/main';
import { type CaseResult, crashed, result, type Where } from './cases';
import { includesAll } from './match';

type Json = Record<string, unknown>;

/** A small valid methodology: 3 indicators in 2 dimensions, 4 grades by quota over the 6 units of the CSV. */
export function baseMethod(): Json {
  return {
    indicators: [
      { code: 'a', parent: 'D1', unit: 'count' },
      { code: 'b', parent: 'D1', unit: '%', weight: 2, max: 100 },
      { code: 'c', parent: 'D2', unit: '100 million yuan', direction: -1 },
    ],
    aggregates: [{ code: 'D1', parent: 'Index' }, { code: 'D2', parent: 'Index' }, { code: 'Index' }],
    grade: {
      method: 'quota',
      grades: [
        { code: 'A', label: 'Obvious results', count: 1 },
        { code: 'B', label: 'Good results', count: 2 },
        { code: 'C', label: 'Initial results', count: 2 },
        { code: 'D', label: 'Still in the initial stage', count: 1 },
      ],
    },
  };
}

export const BASE_CSV = 'id,a,b,c\nu1,1,10,5\nu2,2,20,4\nu3,3,30,3\nu4,4,40,2\nu5,5,50,1\nu6,6,60,0.5\n';

export type CliCase = {
  name: string;
  where: Extract<Where, 'csv' | 'methodology json'>;
  /** The data file's bytes (the base CSV when absent). */
  csv?: string | Buffer;
  /** Changes the base methodology (or replaces the file's text when it returns a string). */
  method?: (m: Json) => Json | string;
  /** Extra options after `--data` and `--method`. */
  args?: string[];
  expect: { refused: true; messageIncludes: readonly string[] };
};

const ind = (m: Json) => m['indicators'] as Json[];
const agg = (m: Json) => m['aggregates'] as Json[];
const grades = (m: Json) => (m['grade'] as { grades: Json[] }).grades;
const m = (name: string, change: (m: Json) => Json | string, ...messageIncludes: string[]): CliCase => ({
  name,
  where: 'methodology json',
  method: change,
  expect: { refused: true, messageIncludes },
});
const csv = (name: string, data: string | Buffer, ...messageIncludes: string[]): CliCase => ({
  name,
  where: 'csv',
  csv: data,
  expect: { refused: true, messageIncludes },
});
const edit = (f: (m: Json) => void) => (x: Json) => {
  f(x);
  return x;
};

export const CLI_CASES: readonly CliCase[] = [
  // The hierarchy.
  m(
    'a cycle in the hierarchy',
    edit((x) => {
      agg(x)[0]!['parent'] = 'D2';
      agg(x)[1]!['parent'] = 'D1';
    }),
    'cycle',
  ),
  m(
    'an aggregate its own parent',
    edit((x) => {
      agg(x)[0]!['parent'] = 'D1';
    }),
    'cycle',
  ),
  m(
    'an unknown parent',
    edit((x) => {
      ind(x)[0]!['parent'] = 'D9';
    }),
    'indicators[0] (a).parent',
    'D9',
  ),
  m(
    'an unknown parent, close to a known one',
    edit((x) => {
      ind(x)[0]!['parent'] = 'd1x';
    }),
    'parent',
  ),
  m(
    'two roots',
    edit((x) => {
      delete agg(x)[1]!['parent'];
    }),
    'exactly one aggregate may have no parent',
    'found 2',
  ),
  m(
    'no root (every aggregate has a parent)',
    edit((x) => {
      agg(x)[2]!['parent'] = 'D1';
    }),
    'no aggregate is the root',
  ),
  m(
    'an aggregate without children',
    edit((x) => {
      agg(x).push({ code: 'D3', parent: 'Index' });
    }),
    'D3',
  ),
  m(
    'a duplicate indicator code',
    edit((x) => {
      ind(x)[1]!['code'] = 'a';
    }),
    'a',
  ),
  m(
    'an indicator code equal to an aggregate code',
    edit((x) => {
      ind(x)[0]!['code'] = 'D2';
    }),
    'D2',
  ),
  // Weights.
  m(
    'weights that sum to zero',
    edit((x) => {
      ind(x)[0]!['weight'] = 0;
      ind(x)[1]!['weight'] = 0;
    }),
    'sum',
  ),
  m(
    'every aggregate weight zero',
    edit((x) => {
      agg(x)[0]!['weight'] = 0;
      agg(x)[1]!['weight'] = 0;
    }),
    'sum',
  ),
  m(
    'a negative weight',
    edit((x) => {
      ind(x)[0]!['weight'] = -1;
    }),
    'indicators[0] (a).weight',
    'negative',
  ),
  m(
    'a weight as text',
    edit((x) => {
      ind(x)[0]!['weight'] = 'heavy';
    }),
    'indicators[0] (a).weight',
  ),
  m(
    'an infinite weight (1e999)',
    () => JSON.stringify(baseMethod()).replace('"weight":2', '"weight":1e999'),
    'weight',
  ),
  // Fields.
  m(
    'a misspelt key',
    edit((x) => {
      ind(x)[0]!['directon'] = 1;
    }),
    'unknown key `directon`',
    'did you mean `direction`?',
  ),
  m(
    'a direction of 2',
    edit((x) => {
      ind(x)[0]!['direction'] = 2;
    }),
    'direction',
    'must be 1',
  ),
  m(
    'a direction of 0',
    edit((x) => {
      ind(x)[0]!['direction'] = 0;
    }),
    'direction',
  ),
  m(
    'a misspelt unit',
    edit((x) => {
      ind(x)[2]!['unit'] = '100 milion yuan';
    }),
    'is not a known unit',
    '100 million yuan',
  ),
  m(
    'min above max',
    edit((x) => {
      ind(x)[1]!['min'] = 100;
      ind(x)[1]!['max'] = 0;
    }),
    'min',
  ),
  m(
    'a missing-value rule misspelt',
    edit((x) => {
      ind(x)[0]!['missing'] = 'wrost';
    }),
    'missing',
  ),
  m(
    'bound without a declared bound',
    edit((x) => {
      ind(x)[0]!['missing'] = 'bound';
    }),
    'bound',
  ),
  m(
    'an unknown normalisation',
    edit((x) => {
      x['normalise'] = { method: 'minmaxx' };
    }),
    'normalise',
  ),
  m(
    'a reversed normalisation range',
    edit((x) => {
      x['normalise'] = { method: 'minmax', range: [100, 0] };
    }),
    'range',
  ),
  m(
    'goalposts without goalposts',
    edit((x) => {
      x['normalise'] = { method: 'goalposts' };
    }),
    'goalposts',
  ),
  m(
    'target without targets',
    edit((x) => {
      x['normalise'] = { method: 'target' };
    }),
    'target',
  ),
  m(
    'an unknown aggregation',
    edit((x) => {
      x['aggregate'] = { method: 'median' };
    }),
    'aggregate',
  ),
  m(
    'an aggregate method misspelt',
    edit((x) => {
      agg(x)[0]!['method'] = 'geometricc';
    }),
    'method',
  ),
  m(
    'a negative winmax',
    edit((x) => {
      x['treat'] = { method: 'winsorise', winmax: -1 };
    }),
    'winmax',
  ),
  m(
    'screen availability above 1',
    edit((x) => {
      x['screen'] = { minAvailability: 1.5 };
    }),
    'minAvailability',
  ),
  m(
    'an unknown impute method',
    edit((x) => {
      x['impute'] = { method: 'guess' };
    }),
    'impute',
  ),
  m(
    'groupMean without a group column',
    edit((x) => {
      x['impute'] = { method: 'groupMean' };
    }),
    'group',
  ),
  m(
    'a denominator missing from the data',
    edit((x) => {
      ind(x)[0]!['denominator'] = 'pop';
    }),
    'pop',
  ),
  // Grades.
  m(
    'quotas that exceed the units',
    edit((x) => {
      grades(x)[0]!['count'] = 50;
    }),
    'quota',
  ),
  m(
    'a grade without its quota',
    edit((x) => {
      delete grades(x)[0]!['count'];
    }),
    'count',
  ),
  m(
    'thresholds without minScore',
    edit((x) => {
      (x['grade'] as Json)['method'] = 'thresholds';
    }),
    'minScore',
  ),
  m(
    'a gate naming an unknown grade',
    edit((x) => {
      (x['grade'] as Json)['gates'] = [{ minAvailability: 0.5, maxGrade: 'Z' }];
    }),
    'Z',
  ),
  m(
    'two grades with one code',
    edit((x) => {
      grades(x)[1]!['code'] = 'A';
    }),
    'A',
  ),
  m(
    'a grade colour that is not a colour',
    edit((x) => {
      grades(x)[0]!['colour'] = 'greenish';
    }),
    'colour',
  ),
  // The file itself.
  m(
    'no indicators',
    edit((x) => {
      x['indicators'] = [];
    }),
    'indicators',
  ),
  m(
    'indicators not a list',
    edit((x) => {
      x['indicators'] = { a: 1 };
    }),
    'indicators',
  ),
  m('not JSON', () => '{"indicators": [', 'JSON'),
  m('an empty file', () => '', 'method.json'),
  m('JSON that is a list', () => '[1,2,3]', 'method.json'),
  m(
    'a top-level key misspelt',
    edit((x) => {
      x['normalize'] = { method: 'minmax' };
    }),
    'unknown key `normalize`',
    'normalise',
  ),
  m(
    'uncertainty with zero runs',
    edit((x) => {
      x['uncertainty'] = { runs: 0 };
    }),
    'runs',
  ),
  // Data.
  csv('a row with a field too many', `${BASE_CSV}u7,1,2,3,4\n`, 'line 8', 'double quotes'),
  csv('a row with a field too few', `${BASE_CSV}u7,1,2\n`, 'line 8'),
  csv('a header named twice', BASE_CSV.replace('id,a,b,c', 'id,a,a,c'), 'line 1', 'a'),
  csv('a quote never closed', `${BASE_CSV}u7,"1,2,3\n`, 'line 8', 'quote'),
  csv('no data rows', 'id,a,b,c\n', 'no data rows'),
  csv('an empty file', '', 'data.csv'),
  csv('semicolon-separated', BASE_CSV.replaceAll(',', ';'), '--separator'),
  csv('tab-separated', BASE_CSV.replaceAll(',', '\t'), '--separator'),
  csv(
    'UTF-16 (Excel’s “Unicode text”)',
    Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(BASE_CSV, 'utf16le')]),
    'CSV UTF-8',
  ),
  csv(
    'GB18030 (Excel’s CSV on a Chinese system)',
    Buffer.from([0x69, 0x64, 0x2c, 0x61, 0x0a, 0xd5, 0xe3, 0xbd, 0xad, 0x2c, 0x31, 0x0a]),
    'CSV UTF-8',
  ),
  csv(
    'letters in a number',
    BASE_CSV.replace('u3,3,30,3', 'u3,3abc,30,3'),
    'line 4',
    '“3abc” is not a number',
  ),
  csv(
    'a decimal comma in a quoted field',
    BASE_CSV.replace('u3,3,30,3', 'u3,3,"30,5",3'),
    'line 4',
    'decimal mark',
  ),
  csv('a fraction of a count', BASE_CSV.replace('u3,3,30,3', 'u3,3.5,30,3'), 'line 4', 'not a whole number'),
  csv('a negative amount', BASE_CSV.replace('u3,3,30,3', 'u3,3,30,-3'), 'line 4', 'negative'),
  csv('a share above 100%', BASE_CSV.replace('u3,3,30,3', 'u3,3,130,3'), 'line 4', 'maximum'),
  csv('a formula error exported', BASE_CSV.replace('u3,3,30,3', 'u3,#DIV/0!,30,3'), 'line 4', '#DIV/0!'),
  csv('#N/A exported', BASE_CSV.replace('u3,3,30,3', 'u3,#N/A,30,3'), 'line 4', '#N/A'),
  csv('#REF! exported', BASE_CSV.replace('u3,3,30,3', 'u3,#REF!,30,3'), 'line 4', '#REF!'),
  csv('dollars for yuan', BASE_CSV.replace('u3,3,30,3', 'u3,3,30,$3'), 'line 4', 'dollars'),
  csv('a percentage for a count', BASE_CSV.replace('u3,3,30,3', 'u3,3%,30,3'), 'line 4', 'percentage'),
  csv('a unit id given twice', `${BASE_CSV}u1,1,10,5\n`, 'u1'),
  csv('the id column missing', BASE_CSV.replace('id,a,b,c', 'zone,a,b,c'), 'id'),
  {
    name: 'an id column named but absent',
    where: 'csv',
    args: ['--id-column', 'zone_id'],
    expect: { refused: true, messageIncludes: ['zone_id'] },
  },
  {
    name: 'an unknown option',
    where: 'csv',
    args: ['--fromat', 'json'],
    expect: { refused: true, messageIncludes: ['--fromat', 'did you mean --format?'] },
  },
];

/** Runs `zone-eval score` in-process, capturing what it prints. */
async function runScore(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (...a: unknown[]) => void out.push(a.map(String).join(' '));
  console.error = (...a: unknown[]) => void err.push(a.map(String).join(' '));
  try {
    const code = await main(['score', ...argv]);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
  }
}

/** Runs every CLI case against files in a temporary directory. */
export async function runCliCases(cases: readonly CliCase[]): Promise<CaseResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'zone-eval-bad-inputs-'));
  const results: CaseResult[] = [];
  try {
    for (const c of cases) {
      try {
        const data = join(dir, 'data.csv');
        const method = join(dir, 'method.json');
        writeFileSync(data, c.csv ?? BASE_CSV);
        const changed = c.method ? c.method(baseMethod()) : baseMethod();
        writeFileSync(method, typeof changed === 'string' ? changed : JSON.stringify(changed));
        const run = await runScore(['--data', data, '--method', method, ...(c.args ?? [])]);
        const mismatches: string[] = [];
        if (run.code !== 2) mismatches.push(`exit code ${run.code}, expected 2`);
        if (/\n\s+at /.test(run.err)) mismatches.push('a stack trace was printed');
        if (!includesAll(run.err, c.expect.messageIncludes))
          mismatches.push(
            `the error says “${run.err.slice(0, 240)}”, expected it to include ${c.expect.messageIncludes.map((f) => `“${f}”`).join(' and ')}`,
          );
        results.push(result(c.name, c.where, mismatches));
      } catch (e) {
        results.push(crashed(c.name, c.where, e));
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

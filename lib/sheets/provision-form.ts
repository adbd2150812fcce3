/**
 * What provisioning adds to a zone's submission spreadsheet beyond its layout: protection of what the system owns
 * (the header, the zone id, the codes, labels and units; the Feedback and Instructions tabs), data validation on
 * each value cell that warns but never rejects, and an Instructions tab in Chinese and English.
 *
 * Validation is advisory (`strict: false`: "True if invalid data should be rejected", Sheets API DataValidationRule)
 * because the parser accepts what a strict rule would refuse: `1,092.47亿`, `N/A`, `是`. A person sees a warning
 * triangle and the input message; the Feedback tab has the last word.
 */
import type { sheets_v4 } from '@googleapis/sheets';
import type { Methodology } from '../core/methodology';
import { FEEDBACK_TAB, FORM_TAB, type TabLayout, zoneIndicators } from './layout';

export const INSTRUCTIONS_TAB = 'Instructions 说明';

/** Descriptions that name the protected ranges provisioning owns, so a re-run finds a lost one. */
export const PROTECTIONS = {
  header: 'zone-eval: form header (zone id and column names) 表头',
  labels: 'zone-eval: indicator codes, names and units 指标代码、名称和单位',
  feedback: 'zone-eval: written by the system 系统写入',
  instructions: 'zone-eval: instructions 说明',
} as const;

/** The first value row (0-based) and the value column of a form (lib/sheets/layout buildFormRows). */
const FIRST_VALUE_ROW = 2;
const VALUE_COLUMN = 3;
const FIRST_EDITABLE_COLUMN = 3;

/** The Instructions tab: how to fill the form, in Chinese and English. */
export function instructionsLayout(): TabLayout {
  const rows: [string, string][] = [
    ['How to fill in this spreadsheet', '填报说明'],
    [
      'Type each indicator value in the Value column of the Form tab, in the unit shown. Nothing else needs saving.',
      '请在“Form”页“Value”列按所示单位填写各项指标数值，无需其他保存操作。',
    ],
    [
      'You may type 1,092.47, 1,092.47亿, 17.35%, 是/否 or yes/no; leave a cell blank, or type N/A, if there is no figure.',
      '可填写 1,092.47、1,092.47亿、17.35%、是/否；无数据请留空或填写 N/A（空白不计为零）。',
    ],
    [
      'A warning triangle on a cell is only advice. The Feedback tab, updated within a minute, says whether each value was accepted and why not.',
      '单元格上的警告标记仅为提示；“Feedback”页会在一分钟内说明每个数值是否被接受及原因。',
    ],
    [
      'The zone id, codes, indicator names and units are protected. Write remarks in the Note column: each is kept with its value for the evaluation team (up to 2,000 characters), not scored.',
      '试验区代码、指标代码、名称和单位受保护，不可修改；备注请写在“Note”列：备注随数值保存，供评估工作组查看，不计分（每条最多 2,000 字）。',
    ],
    [
      'Do not share this spreadsheet: it is shared with your zone’s officials by the evaluation’s administrators.',
      '请勿转发或共享本表格：共享对象由评估管理员统一设置。',
    ],
  ];
  return {
    title: INSTRUCTIONS_TAB,
    rows: rows.map(([en, zh], i) => [
      { value: en, bold: i === 0 },
      { value: zh, bold: i === 0 },
    ]),
    frozenRows: 1,
  };
}

/** The Feedback tab before the first sync. */
export function feedbackPlaceholder(): TabLayout {
  return {
    title: FEEDBACK_TAB,
    rows: [[{ value: 'Status 状态' }, { value: 'not read yet 尚未同步' }]],
    frozenRows: 0,
  };
}

type Indicator = Methodology['indicators'][number];

/** The advisory rule for one indicator's value cell, or null when nothing useful can be said. */
export function valueRule(ind: Indicator): sheets_v4.Schema$DataValidationRule | null {
  const unit = ind.unit ?? '';
  const hint = (range: string) =>
    `${unit ? `${unit}; ` : ''}${range}. 亿, N/A, 是/否 are accepted too: see the Feedback tab. 亦可填写“亿”、N/A、是/否，以反馈页为准。`;
  const v = (n: number) => ({ userEnteredValue: String(n) });
  if (unit === 'yes/no')
    return {
      condition: {
        type: 'ONE_OF_LIST',
        values: ['是', '否', 'yes', 'no'].map((s) => ({ userEnteredValue: s })),
      },
      inputMessage: hint('是/否 or yes/no'),
      strict: false,
      showCustomUi: true,
    };
  const { min, max } = ind;
  if (min !== undefined && max !== undefined)
    return {
      condition: { type: 'NUMBER_BETWEEN', values: [v(min), v(max)] },
      inputMessage: hint(`from ${min} to ${max}`),
      strict: false,
    };
  if (min !== undefined)
    return {
      condition: { type: 'NUMBER_GREATER_THAN_EQ', values: [v(min)] },
      inputMessage: hint(`at least ${min}`),
      strict: false,
    };
  if (max !== undefined)
    return {
      condition: { type: 'NUMBER_LESS_THAN_EQ', values: [v(max)] },
      inputMessage: hint(`at most ${max}`),
      strict: false,
    };
  return null;
}

/** One setDataValidation per value cell (rules differ per indicator); re-applying one replaces it. */
export function validationRequests(
  methodology: Pick<Methodology, 'indicators'>,
  formSheetId: number,
): sheets_v4.Schema$Request[] {
  return zoneIndicators(methodology).flatMap((ind, k) => {
    const rule = valueRule(ind);
    if (rule === null) return [];
    const row = FIRST_VALUE_ROW + k;
    return [
      {
        setDataValidation: {
          range: {
            sheetId: formSheetId,
            startRowIndex: row,
            endRowIndex: row + 1,
            startColumnIndex: VALUE_COLUMN,
            endColumnIndex: VALUE_COLUMN + 1,
          },
          rule,
        },
      },
    ];
  });
}

/**
 * The protected ranges a zone spreadsheet needs and does not have (by description). With no `editors` given,
 * Sheets makes the spreadsheet's owner and the caller (the service account, a content manager of the shared
 * drive) the editors: an official, a writer of the file, cannot change them.
 */
export function protectionRequests(
  tabIds: { form: number; feedback: number; instructions: number },
  present: ReadonlySet<string>,
): sheets_v4.Schema$Request[] {
  const wanted: [string, sheets_v4.Schema$GridRange][] = [
    [PROTECTIONS.header, { sheetId: tabIds.form, startRowIndex: 0, endRowIndex: FIRST_VALUE_ROW }],
    [
      PROTECTIONS.labels,
      {
        sheetId: tabIds.form,
        startRowIndex: FIRST_VALUE_ROW,
        startColumnIndex: 0,
        endColumnIndex: FIRST_EDITABLE_COLUMN,
      },
    ],
    [PROTECTIONS.feedback, { sheetId: tabIds.feedback }],
    [PROTECTIONS.instructions, { sheetId: tabIds.instructions }],
  ];
  return wanted
    .filter(([d]) => !present.has(d))
    .map(([description, range]) => ({
      addProtectedRange: { protectedRange: { description, range, warningOnly: false } },
    }));
}

export { FORM_TAB };

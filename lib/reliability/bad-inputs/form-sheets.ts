/**
 * Changes to a zone form's structure (tabs deleted or renamed, headers moved or renamed, rows repeated, the zone id
 * changed), each on a zone of its own, with the Feedback expected. Done with the owner's rights (a protected range
 * stops an official, not a careless admin). The form as provisioned: row 1 the zone id (`Zone ID | <id> | <name>`),
 * row 2 the header `Code | Indicator | Unit | Value | Note`, rows 3 to 44 the zone's 42 indicators (T01 on row 3,
 * T03 on row 5), columns A to E.
 */

export type SheetOp =
  | { op: 'deleteTab'; title: string }
  | { op: 'renameTab'; from: string; to: string }
  /** Values typed over a range (USER_ENTERED). */
  | { op: 'write'; range: string; values: (string | number)[][] }
  /** The whole form moved down by `by` rows (rows inserted above the zone id). */
  | { op: 'shiftRows'; by: number }
  /** Two columns of the form exchanged, header and values (0-based). */
  | { op: 'swapColumns'; a: number; b: number }
  /** Another zone's whole form pasted over this one (`offset` zones further in the seeded list). */
  | { op: 'pasteFormOf'; offset: number }
  /** One indicator's row removed (the rows below move up). */
  | { op: 'deleteRow'; row: number };

export type SheetExpect = {
  /** `refused`: nothing is stored (the Feedback status says NOT ACCEPTED); `read`: the values are read. */
  form: 'refused' | 'read';
  /** Feedback rows expected: a location and fragments of its sentence. */
  problems: readonly { at: string; includes: readonly string[] }[];
  /** Indicators whose value is expected to change (to the value given; null: missing). */
  changes?: Readonly<Record<string, number | null>>;
};

export type FormSheetCase = { name: string; ops: readonly SheetOp[]; expect: SheetExpect };

const refused = (at: string, ...includes: string[]): SheetExpect => ({
  form: 'refused',
  problems: [{ at, includes }],
});
const read = (...problems: { at: string; includes: string[] }[]): SheetExpect => ({ form: 'read', problems });

export const FORM_SHEET_CASES: readonly FormSheetCase[] = [
  {
    name: 'the Form tab deleted',
    ops: [{ op: 'deleteTab', title: 'Form' }],
    expect: refused('Form', 'The tab “Form” is missing', 'Restore it'),
  },
  {
    name: 'the Form tab renamed',
    ops: [{ op: 'renameTab', from: 'Form', to: 'Form (old)' }],
    expect: refused('Form', 'The tab “Form” is missing', 'Tabs found: “Form (old)”', 'Rename'),
  },
  {
    name: 'the Form tab renamed in other case',
    ops: [{ op: 'renameTab', from: 'Form', to: 'FORM' }],
    expect: read(),
  },
  {
    name: 'the Feedback tab deleted',
    ops: [{ op: 'deleteTab', title: 'Feedback' }],
    expect: read(),
  },
  {
    name: 'the Value header misspelt',
    ops: [{ op: 'write', range: 'Form!D2', values: [['Vlaue']] }],
    expect: {
      form: 'refused',
      problems: [
        { at: 'Form!2:2', includes: ['no “Value” column', 'did you mean “Value”?'] },
        { at: 'Form!D2', includes: ['unknown column “Vlaue”', 'did you mean “Value”?'] },
      ],
    },
  },
  {
    name: 'the Code header misspelt',
    ops: [{ op: 'write', range: 'Form!A2', values: [['Cdoe']] }],
    expect: refused('Form!2:2', 'no “Code” column', 'did you mean “Code”?'),
  },
  {
    name: 'the Code header cleared',
    ops: [{ op: 'write', range: 'Form!A2', values: [['']] }],
    expect: refused('Form!2:2', 'no “Code” column', 'restore the header “Code”'),
  },
  {
    name: 'the header row cleared',
    ops: [{ op: 'write', range: 'Form!A2:E2', values: [['', '', '', '', '']] }],
    expect: refused('Form!1:2', 'No header row was found'),
  },
  {
    name: 'the header row moved below the first 20 rows',
    ops: [{ op: 'shiftRows', by: 25 }],
    expect: refused('Form!1:2', 'No header row was found'),
  },
  {
    name: 'the header moved down 3 rows',
    ops: [{ op: 'shiftRows', by: 3 }],
    expect: read(),
  },
  {
    name: 'the Value and Note columns swapped',
    ops: [{ op: 'swapColumns', a: 3, b: 4 }],
    expect: read(),
  },
  {
    name: 'the Code and Indicator columns swapped',
    ops: [{ op: 'swapColumns', a: 0, b: 1 }],
    expect: read(),
  },
  {
    name: 'the headers renamed in Chinese',
    ops: [{ op: 'write', range: 'Form!A2:E2', values: [['指标代码', '指标名称', '单位', '数值', '备注']] }],
    expect: read(),
  },
  {
    name: 'a second Value column',
    ops: [{ op: 'write', range: 'Form!F2', values: [['Value']] }],
    expect: refused('Form!F2', 'is a second “Value” column', 'Delete or rename one'),
  },
  {
    name: 'a second Note column',
    ops: [{ op: 'write', range: 'Form!F2', values: [['Note']] }],
    expect: read({ at: 'Form!F2', includes: ['second “Note” column', 'neither column is read'] }),
  },
  {
    name: 'a misspelt Note column',
    ops: [{ op: 'write', range: 'Form!E2', values: [['Nots']] }],
    expect: read({ at: 'Form!E2', includes: ['unknown column “Nots”'] }),
  },
  {
    name: 'a note at Google’s 50,000-character limit',
    ops: [{ op: 'write', range: 'Form!E3', values: [['备'.repeat(50_000)]] }],
    expect: read({ at: 'Form!E3', includes: ['50,000 characters long', 'only its first 2,000 are kept'] }),
  },
  {
    name: 'a formula kept as text in a note',
    ops: [{ op: 'write', range: 'Form!E5', values: [['\'=HYPERLINK("http://example.com","see")']] }],
    expect: read(),
  },
  {
    name: 'a column of the official’s own',
    ops: [{ op: 'write', range: 'Form!F2', values: [['Checked by']] }],
    expect: read({ at: 'Form!F2', includes: ['kept for your own use and not scored'] }),
  },
  {
    name: 'an indicator repeated on a second row',
    ops: [{ op: 'write', range: 'Form!A45:D45', values: [['T03', 'again', 'count', '999']] }],
    expect: read({ at: 'Form!A45', includes: ['repeats indicator T03', 'last accepted value stays in use'] }),
  },
  {
    name: 'an unknown indicator code',
    ops: [{ op: 'write', range: 'Form!A45:D45', values: [['T99', 'mine', 'count', '5']] }],
    expect: read({ at: 'Form!A45', includes: ['“T99”', 'not an indicator of this evaluation'] }),
  },
  {
    name: 'a central department’s indicator typed on the form',
    ops: [{ op: 'write', range: 'Form!A45:D45', values: [['T10', 'clearance', 'hours', '5']] }],
    expect: read({ at: 'Form!D45', includes: ['T10 is supplied by', 'customs', 'is ignored'] }),
  },
  {
    name: 'a value without a code',
    ops: [{ op: 'write', range: 'Form!A45:D45', values: [['', '', '', '77']] }],
    expect: read({ at: 'Form!D45', includes: ['has the value “77” but no indicator code'] }),
  },
  {
    name: 'a code typed in lower case',
    ops: [{ op: 'write', range: 'Form!A5', values: [['t03']] }],
    expect: read(),
  },
  {
    name: 'a blank row left in the middle',
    ops: [{ op: 'write', range: 'Form!A46:D46', values: [['T99', '', '', '1']] }],
    expect: read(
      { at: 'Form!45:45', includes: ['Row 45 is blank', 'still read'] },
      { at: 'Form!A46', includes: ['not an indicator'] },
    ),
  },
  {
    name: 'an indicator’s row deleted',
    ops: [{ op: 'deleteRow', row: 7 }],
    expect: {
      form: 'read',
      problems: [
        { at: 'Form', includes: ['Indicator T05', 'has no row on the form', 'add a row with the code T05'] },
      ],
      changes: { T05: null },
    },
  },
  {
    name: 'the zone id changed to another zone’s (claiming its rows)',
    ops: [{ op: 'write', range: 'Form!B1', values: [['{zone:-1}']] }],
    expect: refused('Form!B1', 'but the control sheet assigns this spreadsheet to', 'not accepted'),
  },
  {
    name: 'the zone id misspelt',
    ops: [{ op: 'write', range: 'Form!B1', values: [['{zone:0}x']] }],
    expect: refused('Form!B1', 'but the control sheet assigns this spreadsheet to'),
  },
  {
    name: 'another zone’s whole form pasted in (claiming its rows)',
    ops: [{ op: 'pasteFormOf', offset: 1 }],
    expect: refused('Form!B1', 'but the control sheet assigns this spreadsheet to'),
  },
];

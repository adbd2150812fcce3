/** Who entered each value in use: from a zone's revisions, as the sync, the freeze and accept-late store them. */
import type { Revision } from '../../../lib/pipeline/ports';
import { centralEntered, enteredBy, groupProvenance, ungroup } from '../../../lib/pipeline/provenance';

const rev = (
  seq: number,
  editor: string | null,
  values: Revision['values'],
  extra: Partial<Revision> = {},
): Revision => ({
  zoneId: 'z',
  seq,
  values,
  contentHash: `h${seq}`,
  spreadsheetId: 'sheet-z',
  driveVersion: null,
  readSeq: seq,
  caller: editor === null ? 'reconcile' : 'trigger',
  editor,
  at: `2026-03-0${seq}T08:00:00.000Z`,
  ...extra,
});
const v = (value: number | null, text: string, more: object = {}) => ({ value, text, ...more });
const brief = (m: ReturnType<typeof enteredBy>) =>
  Object.fromEntries([...m].map(([code, e]) => [code, [e.revision, e.by]]));

test('a value is entered by the last revision that changed its text or value, not by a remark alone', () => {
  const revisions = [
    rev(1, 'a@z', { T1: v(1, '1'), T2: v(2, '2') }),
    rev(2, 'b@z', { T1: v(1, '1', { remark: 'from the yearbook' }), T2: v(2, '2.0') }),
    rev(3, null, { T1: v(1, '1', { remark: 'from the yearbook' }), T2: v(2, '2.0') }),
  ];
  expect(brief(enteredBy(revisions, 3))).toEqual({ T1: [1, 'a@z'], T2: [2, 'b@z'] });
  // Up to revision 1 only: what a run made then used.
  expect(brief(enteredBy(revisions, 1))).toEqual({ T1: [1, 'a@z'], T2: [1, 'a@z'] });
});

test('a refused attempt enters nothing; a late edit counts from the revision that accepted it', () => {
  const revisions = [
    rev(1, 'a@z', { T1: v(5, '5'), T2: v(7, '7') }),
    rev(2, 'b@z', { T1: v(5, '5x', { note: 'refused: not a number' }), T2: v(7, '7') }),
    rev(3, 'c@z', { T1: v(5, '5'), T2: v(8, '8') }, { late: true }),
    rev(4, 'admin@gov', { T1: v(5, '5'), T2: v(8, '8') }, { caller: 'accept-late:3' }),
  ];
  expect(brief(enteredBy(revisions, 3))).toEqual({ T1: [1, 'a@z'], T2: [1, 'a@z'] });
  expect(brief(enteredBy(revisions, 4))).toEqual({ T1: [1, 'a@z'], T2: [4, 'admin@gov'] });
  // Without an editor (a reconcile read), the caller is named.
  expect(brief(enteredBy([rev(1, null, { T1: v(1, '1') })], 1))).toEqual({ T1: [1, 'reconcile'] });
});

test('grouped by revision for the values in use, central tabs last, and back again', () => {
  const entered = new Map([
    ['T2', { revision: 2, by: 'b@z', at: 't2' }],
    ['T1', { revision: 1, by: 'a@z', at: 't1' }],
    ['T3', { revision: 1, by: 'a@z', at: 't1' }],
    ['C1', centralEntered({ tab: 'customs', updatedAt: 't9' })],
  ]);
  const groups = groupProvenance(entered, ['T1', 'T2', 'C1']);
  expect(groups).toEqual([
    { revision: 1, by: 'a@z', at: 't1', indicators: ['T1'] },
    { revision: 2, by: 'b@z', at: 't2', indicators: ['T2'] },
    { revision: null, by: 'central:customs', at: 't9', indicators: ['C1'] },
  ]);
  expect(ungroup(groups)).toEqual(new Map([...entered].filter(([code]) => code !== 'T3')));
});

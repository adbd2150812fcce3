/**
 * The decision a sync asked again makes before reading: stop when the file and everything else its read's outcome
 * depends on are where the last completed read left them (a replayed or duplicate signal), read otherwise.
 */
import { EMPTY_GOVERNANCE, type Governance } from '../../../lib/pipeline/governance';
import {
  centralBasis,
  controlBasis,
  holdsAtVersion,
  type ReadBasis,
  sameFileVersion,
  skipRead,
} from '../../../lib/pipeline/unchanged';

const recorded: ReadBasis = { version: '12', methodologySeq: 3, basis: 'b1' };
const same = { version: '12', methodologySeq: 3, basis: 'b1' };

describe('skipRead', () => {
  it('stops a signal’s sync when the version, the methodology count and the basis are all as recorded', () => {
    expect(skipRead({ caller: 'trigger', recorded, now: same })).toBe(true);
  });

  it('reads when the file moved', () => {
    expect(skipRead({ caller: 'trigger', recorded, now: { ...same, version: '13' } })).toBe(false);
  });

  it('reads when the methodology in force changed since, even back to the same version (the count moved)', () => {
    expect(skipRead({ caller: 'trigger', recorded, now: { ...same, methodologySeq: 4 } })).toBe(false);
  });

  it('reads when the stored state the outcome depends on moved', () => {
    expect(skipRead({ caller: 'trigger', recorded, now: { ...same, basis: 'b2' } })).toBe(false);
  });

  it('reads when one side has a basis and the other none', () => {
    const zone: ReadBasis = { version: '12', methodologySeq: 3 };
    expect(skipRead({ caller: 'trigger', recorded: zone, now: same })).toBe(false);
    expect(skipRead({ caller: 'trigger', recorded, now: { version: '12', methodologySeq: 3 } })).toBe(false);
  });

  it('stops a zone sheet’s sync, which records no basis, on the version and the count alone', () => {
    const zone: ReadBasis = { version: '12', methodologySeq: 3 };
    expect(skipRead({ caller: 'trigger', recorded: zone, now: { version: '12', methodologySeq: 3 } })).toBe(
      true,
    );
  });

  it('reads for the admin’s recompute, the reconcile poll, the control sheet’s re-sync and an unnamed caller', () => {
    for (const caller of ['manual', 'reconcile', 'control', undefined])
      expect(skipRead({ caller, recorded, now: same })).toBe(false);
  });

  it('reads when no read recorded where its outcome holds, or the version is unknown (no Drive port)', () => {
    expect(skipRead({ caller: 'trigger', recorded: undefined, now: same })).toBe(false);
    expect(skipRead({ caller: 'trigger', recorded, now: { ...same, version: null } })).toBe(false);
  });

  it('reads a sheet whose last read failed, so that a successful read clears the mark', () => {
    expect(skipRead({ caller: 'trigger', recorded, now: same, unreadable: true })).toBe(false);
  });

  it('sameFileVersion is the cheap half: the caller and the version only', () => {
    expect(sameFileVersion('trigger', recorded, '12')).toBe(true);
    expect(sameFileVersion('trigger', recorded, '11')).toBe(false);
    expect(sameFileVersion('manual', recorded, '12')).toBe(false);
  });
});

describe('holdsAtVersion', () => {
  it('is the version read when the sync wrote nothing to the sheet', () => {
    expect(holdsAtVersion('7', '7', 0)).toBe('7');
  });

  it('is the version after the sync’s own writes when they are the only changes since the read', () => {
    expect(holdsAtVersion('7', '8', 1)).toBe('8');
    expect(holdsAtVersion('7', '9', 2)).toBe('9');
  });

  it('is null when someone else’s change came between the read and the sync’s writes', () => {
    expect(holdsAtVersion('7', '9', 1)).toBeNull();
    expect(holdsAtVersion('7', '10', 2)).toBeNull();
  });

  it('is null when the version read or the version after the writes is unknown', () => {
    expect(holdsAtVersion(null, '8', 1)).toBeNull();
    expect(holdsAtVersion(null, null, 0)).toBeNull();
    expect(holdsAtVersion('7', null, 1)).toBeNull();
  });
});

describe('controlBasis', () => {
  const state = { methodologyVersion: 'v1', resyncedVersion: 'v1' };
  const draft: Governance['draft'] = { version: 'v2', editor: 'm@x.test', at: '2026-11-28T03:00:00.000Z' };
  const currents = [
    { zoneId: 'b', contentHash: 'hb' },
    { zoneId: 'a', contentHash: 'ha' },
  ];

  it('is equal for equal state, whatever order the zones are listed in', () => {
    const withDraft = { ...EMPTY_GOVERNANCE, draft };
    expect(controlBasis(state, withDraft, currents)).toBe(
      controlBasis(state, withDraft, [...currents].reverse()),
    );
  });

  it('moves with the version in force, the re-sync, the draft, the go-live record, the freeze, the Preview and whether the editor is a methodologist', () => {
    const base = controlBasis(state, EMPTY_GOVERNANCE, null);
    const changed = [
      controlBasis({ ...state, methodologyVersion: 'v2' }, EMPTY_GOVERNANCE, null),
      controlBasis({ ...state, resyncedVersion: null }, EMPTY_GOVERNANCE, null),
      controlBasis(state, { ...EMPTY_GOVERNANCE, draft }, currents),
      controlBasis(
        state,
        { ...EMPTY_GOVERNANCE, live: { version: 'v1', by: null, at: draft.at, replaced: null } },
        null,
      ),
      controlBasis(state, { ...EMPTY_GOVERNANCE, freeze: '2026-12-31T15:59:59.000Z' }, null),
      controlBasis(state, { ...EMPTY_GOVERNANCE, previewHash: 'p' }, null),
      // A read by a methodologist may accept a `live` mark that a read not knowing the editor refused.
      controlBasis(state, EMPTY_GOVERNANCE, null, true),
    ];
    for (const b of changed) expect(b).not.toBe(base);
    expect(new Set(changed).size).toBe(changed.length);
  });

  it('moves with a zone’s stored values while there is a draft (the Preview scores the draft on them)', () => {
    const withDraft = { ...EMPTY_GOVERNANCE, draft };
    expect(controlBasis(state, withDraft, [{ zoneId: 'a', contentHash: 'ha2' }, currents[0]!])).not.toBe(
      controlBasis(state, withDraft, currents),
    );
  });

  it('leaves the zones’ values out when there is no draft', () => {
    expect(controlBasis(state, EMPTY_GOVERNANCE, currents)).toBe(controlBasis(state, EMPTY_GOVERNANCE, null));
  });

  it('cannot be taken without the zones’ values while there is a draft', () => {
    expect(() => controlBasis(state, { ...EMPTY_GOVERNANCE, draft }, null)).toThrow(/draft/);
  });

  it('ignores what a control read never decides on: the sign-off and the governance read marker', () => {
    const signed: Governance = {
      ...EMPTY_GOVERNANCE,
      signOff: { year: 2025, run: 3, by: 'admin@x.test', at: draft.at },
      readSeq: 9,
    };
    expect(controlBasis(state, signed, null)).toBe(controlBasis(state, EMPTY_GOVERNANCE, null));
  });
});

describe('centralBasis', () => {
  const stored = [
    { tab: 'customs', spreadsheetId: 'c1', contentHash: 'h1' },
    { tab: 'statistics', spreadsheetId: 'c1', contentHash: 'h2' },
    { tab: 'other', spreadsheetId: 'c9', contentHash: 'h9' },
  ];
  const tabs = ['customs', 'statistics'];

  it('moves with the stored values of a tab the sheet reads, and with the sheet that stored them', () => {
    const base = centralBasis(tabs, stored);
    expect(centralBasis(tabs, [{ ...stored[0]!, contentHash: 'h1b' }, ...stored.slice(1)])).not.toBe(base);
    expect(centralBasis(tabs, [{ ...stored[0]!, spreadsheetId: 'c2' }, ...stored.slice(1)])).not.toBe(base);
    expect(centralBasis(tabs, stored.slice(1))).not.toBe(base);
  });

  it('ignores tabs the sheet does not read, and the order they are listed in', () => {
    expect(centralBasis(tabs, [stored[1]!, stored[0]!])).toBe(
      centralBasis(tabs, [...stored, { tab: 'x', spreadsheetId: 'c3', contentHash: 'h3' }]),
    );
  });
});

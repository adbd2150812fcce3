/**
 * A replayed or duplicate signal of the control and the central-data spreadsheets, over the emulator and dynalite:
 * with the file at the Drive version the last read left it, and nothing else the read's outcome depends on moved,
 * the sync marks the sheet synced and reads no sheet (the emulator counts the service account's Sheets requests).
 * Anything that moved (the file, the methodology in force, a stored central tab, while there is a draft a zone's
 * stored values) makes it read as before.
 */
import { loadDefaultEvaluation } from '../../../lib/local/default-evaluation';
import { type Provisioned, provisionEvaluation } from '../../../lib/local/seed';
import { type LocalStack, SERVICE_ACCOUNT, startLocalStack } from '../../../lib/local/stack';
import { syncCentral } from '../../../lib/pipeline/central';
import { installMethodology, syncControl } from '../../../lib/pipeline/control';
import { silentLogger } from '../../../lib/pipeline/log';
import type { CurrentValues } from '../../../lib/pipeline/ports';
import { contentHash } from '../../../lib/protocol/hash';
import { seedEvaluation, smallMethodology } from './evaluate-fixture';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ emulator: { quota: 'off' }, calls: { pace: false } });
});
afterAll(() => stack.close());

const deps = () => ({
  store: stack.store,
  reader: stack.reader,
  feedback: stack.feedback,
  files: stack.files,
  log: silentLogger,
});
/** Sheets requests the service account has made (reads and writes), and Drive `files.get` calls. */
const sheetsRequests = () => stack.emulator.requestCount({ route: 'sheets.*', caller: SERVICE_ACCOUNT });
const driveGets = () => stack.emulator.requestCount({ route: 'drive.files.get', caller: SERVICE_ACCOUNT });

/** Runs `sync` and says how many Sheets and Drive `files.get` requests it cost. */
async function counted<T>(
  sync: () => Promise<T>,
): Promise<{ outcome: T; sheets: number; driveGets: number }> {
  const [sheets, gets] = [sheetsRequests(), driveGets()];
  const outcome = await sync();
  return { outcome, sheets: sheetsRequests() - sheets, driveGets: driveGets() - gets };
}

describe('the control spreadsheet', () => {
  const E = 'replay-control';
  const ev = loadDefaultEvaluation(3);
  const zones = ev.zones.slice(0, 4);
  const who = 'methodologist@mofcom.test';
  // Thresholds, so that four zones can be graded (the default's quotas need 105).
  const spec = structuredClone(ev.methodology.spec);
  spec.grade = {
    method: 'thresholds',
    gates: [],
    grades: [
      { code: 'A', label: 'Obvious', minScore: 60 },
      { code: 'B', label: 'Good', minScore: 0 },
    ],
  };
  let prov: Provisioned;

  /** A signal of the control sheet (one more `requested`), then its sync as the sync handler runs it. */
  const signalled = async (caller = 'trigger') => {
    await stack.store.requestSheet(E, prov.controlId);
    return counted(() =>
      syncControl({ evaluationId: E, spreadsheetId: prov.controlId, editor: who, caller }, deps()),
    );
  };
  const synced = async () => {
    const state = await stack.store.getSheetState(E, prov.controlId);
    return state !== null && state.synced === state.requested;
  };
  /** The methodologist types a weight of the first aggregate (a valid edit: a draft). */
  async function editWeight(value: string) {
    const header = (
      await stack.google.sheets.spreadsheets.values.get({
        spreadsheetId: prov.controlId,
        range: 'Aggregates!1:1',
      })
    ).data.values![0]!;
    const col = String.fromCharCode(65 + header.indexOf('weight'));
    await stack.emulator.editAsPerson(prov.controlId, who, `Aggregates!${col}2`, [[value]]);
  }
  /** Every zone's values as stored, with `bump` added to each number of `zoneId`'s. */
  function currents(bump: Record<string, number> = {}): CurrentValues[] {
    return zones.map((z, k) => {
      const values = Object.fromEntries(
        ev.methodology.indicators
          .filter((i) => i.source === 'zone')
          .map((i, j) => {
            const v = 10 + k * 7 + j + (bump[z.zoneId] ?? 0);
            return [i.code, { value: v, text: String(v) }];
          }),
      );
      return {
        zoneId: z.zoneId,
        revSeq: 1,
        mappingSeq: 0,
        spreadsheetId: null,
        readSeq: 0,
        contentHash: contentHash(values),
        values,
        updatedAt: new Date().toISOString(),
      };
    });
  }

  beforeAll(async () => {
    prov = await provisionEvaluation(stack, spec, zones);
    stack.emulator.share(prov.controlId, who, 'writer');
    await stack.store.seedCurrent(E, currents());
  });

  test('a replay after the sync that installed the first version reads nothing', async () => {
    const first = await signalled();
    // The Feedback and the Preview were both written: the version recorded is two steps past the one read.
    expect(first.outcome).toMatchObject({ status: 'installed', feedbackWritten: true, previewWritten: true });
    expect(first.sheets).toBeGreaterThan(0);
    const replay = await signalled();
    expect(replay.outcome).toEqual({ status: 'coalesced' });
    expect(replay.sheets).toBe(0);
    expect(replay.driveGets).toBe(1);
    expect(await synced()).toBe(true);
  });

  test('a replay of the edit that made a draft reads nothing, ten times over', async () => {
    await editWeight('3');
    const edit = await signalled();
    expect(edit.outcome).toMatchObject({ status: 'unchanged', previewWritten: true });
    expect(edit.outcome.status === 'unchanged' && edit.outcome.draft).toEqual(expect.any(String));
    for (let k = 0; k < 10; k++) {
      const replay = await signalled();
      expect(replay.outcome).toEqual({ status: 'coalesced' });
      expect(replay.sheets).toBe(0);
    }
    expect(await synced()).toBe(true);
  });

  test('while there is a draft, a zone’s stored values moving makes the replay read and score the Preview again', async () => {
    const [a] = zones;
    await stack.store.seedCurrent(E, currents({ [a!.zoneId]: 5 }));
    const replay = await signalled();
    expect(replay.outcome).toMatchObject({ status: 'unchanged', feedbackWritten: false });
    expect(replay.sheets).toBeGreaterThan(0);
    // That read left the Preview scored on the values as they are now: the next replay stops again.
    const again = await signalled();
    expect(again).toMatchObject({ outcome: { status: 'coalesced' }, sheets: 0 });
  });

  test('the methodology in force changed by another path makes the replay read', async () => {
    // The admin CLI's unconditional install: a new version in force (and the count moves), with no control read.
    const record = (await stack.store.getMethodology(
      E,
      (await stack.store.getEvaluationState(E))!.methodologyVersion!,
    ))!;
    const renamed = { ...record, zones: record.zones.map((z, k) => (k ? z : { ...z, nameEn: 'Renamed' })) };
    await installMethodology(stack.store, E, { ...renamed, at: new Date().toISOString() });
    const replay = await signalled();
    expect(replay.outcome.status).not.toBe('coalesced');
    expect(replay.sheets).toBeGreaterThan(0);
    expect(await signalled()).toMatchObject({ outcome: { status: 'coalesced' }, sheets: 0 });
  });

  test('the admin’s recompute and the reconcile poll read whatever the version says', async () => {
    for (const caller of ['manual', 'reconcile']) {
      const o = await signalled(caller);
      expect(o.outcome.status).not.toBe('coalesced');
      expect(o.sheets).toBeGreaterThan(0);
    }
  });

  test('an edit of the sheet moves its version: the signal reads it', async () => {
    await editWeight('4');
    const o = await signalled();
    expect(o.outcome).toMatchObject({ status: 'unchanged' });
    expect(o.sheets).toBeGreaterThan(0);
  });
});

describe('the central-data spreadsheet', () => {
  const E = 'replay-central';
  const ev = loadDefaultEvaluation(7);
  const ZONES = ev.zones.slice(0, 6).map((z) => z.zoneId);
  const CUSTOMS = ['T10', 'T17', 'T18', 'T21', 'T26'];
  let sheet: string;

  const signalled = async (caller = 'trigger') => {
    await stack.store.requestSheet(E, sheet);
    return counted(() => syncCentral({ evaluationId: E, spreadsheetId: sheet, caller }, deps()));
  };

  beforeAll(async () => {
    await seedEvaluation(stack, E, smallMethodology(6), ZONES);
    sheet = stack.emulator.createSpreadsheetAs(SERVICE_ACCOUNT, {
      title: 'Customs data 海关数据',
      sheets: [
        {
          title: 'customs',
          values: [['zone_id', ...CUSTOMS], ...ZONES.map((z, k) => [z, 10 + k, 900, 80, 1000, 300])],
        },
        { title: 'statistics', values: [['zone_id', 'T41'], ...ZONES.map((z) => [z, 3])] },
        { title: 'Feedback' },
      ],
    }).spreadsheetId;
  });

  test('a replay after a read that stored new values and wrote the Feedback reads nothing', async () => {
    const first = await signalled();
    expect(first.outcome).toMatchObject({ status: 'synced', feedbackWritten: true });
    for (let k = 0; k < 10; k++) {
      const replay = await signalled();
      expect(replay.outcome).toMatchObject({ status: 'coalesced' });
      expect(replay.sheets).toBe(0);
      expect(replay.driveGets).toBe(1);
    }
    const state = await stack.store.getSheetState(E, sheet);
    expect(state?.synced).toBe(state?.requested);
  });

  test('a tab stored since by another sheet makes the replay read, and store this sheet’s values again', async () => {
    const customs = (await stack.store.listCentralTabs(E)).find((t) => t.tab === 'customs')!;
    await stack.store.putCentralTab(E, {
      ...customs,
      spreadsheetId: 'another-central-sheet',
      readSeq: customs.readSeq + 100,
    });
    const replay = await signalled();
    expect(replay.outcome).toMatchObject({
      status: 'synced',
      tabs: [{ tab: 'customs', result: 'stored' }, { result: 'unchanged' }],
    });
    expect(replay.sheets).toBeGreaterThan(0);
    expect(await signalled()).toMatchObject({ outcome: { status: 'coalesced' }, sheets: 0 });
  });

  test('a change of the methodology in force, even back to the same version, makes the replay read', async () => {
    const version = (await stack.store.getEvaluationState(E))!.methodologyVersion!;
    const record = (await stack.store.getMethodology(E, version))!;
    const other = { ...record, zones: record.zones.map((z, k) => (k ? z : { ...z, nameEn: 'Renamed' })) };
    await installMethodology(stack.store, E, { ...other, at: new Date().toISOString() });
    await installMethodology(stack.store, E, { ...record, at: new Date().toISOString() });
    expect((await stack.store.getEvaluationState(E))!.methodologyVersion).toBe(version);
    const replay = await signalled();
    expect(replay.outcome).toMatchObject({ status: 'synced' });
    expect(replay.sheets).toBeGreaterThan(0);
  });

  test('an edit of the sheet moves its version: the signal reads it and stores the new value', async () => {
    stack.emulator.writeAs(SERVICE_ACCOUNT, sheet, 'customs!B2', [[77]]);
    const o = await signalled();
    expect(o.outcome).toMatchObject({ status: 'synced', tabs: [{ tab: 'customs', result: 'stored' }, {}] });
    expect(o.sheets).toBeGreaterThan(0);
    const customs = (await stack.store.listCentralTabs(E)).find((t) => t.tab === 'customs')!;
    expect(customs.zones[ZONES[0]!]!['T10']).toMatchObject({ value: 77 });
  });

  test('the reconcile poll’s request reads whatever the version says', async () => {
    const o = await signalled('reconcile');
    expect(o.outcome).toMatchObject({ status: 'synced', feedbackWritten: false });
    expect(o.sheets).toBeGreaterThan(0);
  });
});

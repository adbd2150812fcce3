/**
 * The reconcile poll's decisions over in-memory ports: which sheets it asks to sync, which it leaves alone.
 */
import { silentLogger } from '../../../lib/pipeline/log';
import type {
  EvaluationState,
  FileVersion,
  SheetState,
  SpreadsheetIndexEntry,
} from '../../../lib/pipeline/ports';
import { type ReconcileDeps, reconcile } from '../../../lib/pipeline/reconcile';
import { recordingQueue } from '../../helpers/queue';

const E = 'e2025';
const NOW = new Date('2026-11-28T03:00:00.000Z');
const RECENT = '2026-11-28T02:59:30.000Z';
const OLD = '2026-11-28T02:50:00.000Z';

function sheet(spreadsheetId: string, over: Partial<SheetState> = {}): SheetState {
  return {
    spreadsheetId,
    zoneId: null,
    requested: 1,
    synced: 1,
    driveVersion: '10',
    lastSignalAt: OLD,
    syncedAt: OLD,
    feedbackHash: null,
    ...over,
  };
}

function harness(
  sheets: SheetState[],
  listing: Pick<FileVersion, 'id' | 'version'>[],
  index: SpreadsheetIndexEntry[],
  evaluation: EvaluationState | null = null,
) {
  const { queue, sent } = recordingQueue();
  const requested: string[] = [];
  const deps: ReconcileDeps = {
    store: {
      listSheets: async () => sheets,
      requestSheet: async (_e, s) => {
        requested.push(s);
        return (sheets.find((x) => x.spreadsheetId === s)?.requested ?? 0) + 1;
      },
      getEvaluationState: async () => evaluation,
      findSpreadsheet: async (id) => index.find((x) => x.spreadsheetId === id) ?? null,
    },
    files: { listFiles: async () => listing.map((f) => ({ ...f, modifiedTime: OLD })) },
    queue,
    log: silentLogger,
  };
  return { deps, sent, requested };
}

const run = (deps: ReconcileDeps) => reconcile(deps, { evaluationId: E, folder: 'folder', now: NOW });

it('asks a zone sheet to sync when its version moved, and leaves one whose version is unchanged', async () => {
  const h = harness(
    [sheet('a', { zoneId: 'za' }), sheet('b', { zoneId: 'zb' })],
    [
      { id: 'a', version: '11' },
      { id: 'b', version: '10' },
    ],
    [],
  );
  const outcome = await run(h.deps);
  expect(outcome.requested).toEqual([{ spreadsheetId: 'a', requested: 2, from: '10', to: '11' }]);
  expect(h.requested).toEqual(['a']);
  expect(h.sent.map((m) => [m.queue, m.group, m.dedupId])).toEqual([['sync', 'a', 'a#2']]);
});

it('reads a sheet whose version was never recorded (the first poll after deployment)', async () => {
  const h = harness([sheet('a', { zoneId: 'za', driveVersion: null })], [{ id: 'a', version: '3' }], []);
  expect((await run(h.deps)).requested).toEqual([{ spreadsheetId: 'a', requested: 2, from: null, to: '3' }]);
});

it('leaves a moved sheet alone while a sync is pending and not yet stalled: that sync reads the change', async () => {
  const h = harness(
    [sheet('a', { zoneId: 'za', requested: 3, synced: 2, lastSignalAt: RECENT })],
    [{ id: 'a', version: '99' }],
    [],
  );
  const outcome = await run(h.deps);
  expect(outcome.requested).toEqual([]);
  expect(outcome.resent).toEqual([]);
  expect(h.sent).toEqual([]);
});

it('never asks a results spreadsheet to sync, whatever its version says', async () => {
  const h = harness(
    [sheet('r')],
    [{ id: 'r', version: '50' }],
    [{ spreadsheetId: 'r', evaluationId: E, kind: 'results', zoneId: null }],
  );
  expect((await run(h.deps)).requested).toEqual([]);
  expect(h.sent).toEqual([]);
});

it('syncs a control or central sheet by the kind the index gives it', async () => {
  const h = harness(
    [sheet('c')],
    [{ id: 'c', version: '12' }],
    [{ spreadsheetId: 'c', evaluationId: E, kind: 'central', zoneId: null }],
  );
  await run(h.deps);
  expect(JSON.parse(h.sent[0]!.body)).toMatchObject({ kind: 'central', caller: 'reconcile' });
});

it('asks a listed file with no counters yet to sync when the index makes it an input of this evaluation', async () => {
  const h = harness(
    [],
    [
      { id: 'central', version: '4' },
      { id: 'other-year', version: '4' },
      { id: 'results', version: '4' },
      { id: 'stray', version: '4' },
    ],
    [
      { spreadsheetId: 'central', evaluationId: E, kind: 'central', zoneId: null },
      { spreadsheetId: 'other-year', evaluationId: 'e2024', kind: 'zone', zoneId: 'za' },
      { spreadsheetId: 'results', evaluationId: E, kind: 'results', zoneId: null },
    ],
  );
  const outcome = await run(h.deps);
  expect(outcome.requested).toEqual([{ spreadsheetId: 'central', requested: 1, from: null, to: '4' }]);
  expect(h.requested).toEqual(['central']);
});

it('reports a sheet with counters that the listing no longer returns, and asks nothing of it', async () => {
  const h = harness([sheet('gone', { zoneId: 'zg' })], [], []);
  const outcome = await run(h.deps);
  expect(outcome.unlisted).toEqual(['gone']);
  expect(h.sent).toEqual([]);
});

it('re-sends a stalled sheet without counting a new signal', async () => {
  const h = harness(
    [sheet('a', { zoneId: 'za', requested: 5, synced: 4 })],
    [{ id: 'a', version: '10' }],
    [],
  );
  const outcome = await run(h.deps);
  expect(outcome.resent).toEqual([{ spreadsheetId: 'a', requested: 5, dedupId: 'a#5#retry-20261128T0300' }]);
  expect(h.requested).toEqual([]);
});

it('does not re-send an evaluation that has scored everything requested, however long ago', async () => {
  const state: EvaluationState = {
    evaluationId: E,
    requested: 4,
    scored: 4,
    lastRunSeq: 1,
    currentRun: 1,
    publishedRun: 1,
    methodologyVersion: 'v',
    resyncedVersion: 'v',
    methodologySeq: 1,
    lastRequestAt: OLD,
    scoredAt: OLD,
  };
  const h = harness([], [], [], state);
  expect((await run(h.deps)).evaluationResent).toBeNull();
  const stalled = harness([], [], [], { ...state, requested: 5 });
  expect((await run(stalled.deps)).evaluationResent).toEqual({
    requested: 5,
    dedupId: `${E}#5#retry-20261128T0300`,
  });
});

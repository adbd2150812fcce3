/**
 * The reconcile poll over real HTTP (the emulator's Drive and Sheets with Google's clients, dynalite): the
 * system's own Feedback writes cost no read, an edit made through the API (no trigger fires) is picked up, and a
 * counter left pending for two minutes gets its message again under a fresh dedup id.
 */
import { loadDefaultEvaluation } from '../../../lib/local/default-evaluation';
import { officialOf, type Provisioned, provisionEvaluation } from '../../../lib/local/seed';
import { type LocalStack, startLocalStack } from '../../../lib/local/stack';
import { syncControl } from '../../../lib/pipeline/control';
import { silentLogger } from '../../../lib/pipeline/log';
import { EvaluateMessageSchema, SyncMessageSchema } from '../../../lib/pipeline/messages';
import { type ReconcileDeps, reconcile, retryMinute } from '../../../lib/pipeline/reconcile';
import { requestSync } from '../../../lib/pipeline/signal';
import { syncSheet } from '../../../lib/pipeline/sync';
import { GoogleSpreadsheetFiles } from '../../../lib/sheets';
import { recordingQueue } from '../../helpers/queue';
import { syncDeps } from '../../helpers/stack';

const E = 'reconcile2025';
const ev = loadDefaultEvaluation(5);
const zones = ev.zones.slice(0, 3);
const [first, second] = zones.map((z) => z.zoneId) as [string, string];

let stack: LocalStack;
let prov: Provisioned;
let folder: string;
let files: GoogleSpreadsheetFiles;
const { queue, sent } = recordingQueue();
const sheetDeps = () => ({ ...syncDeps(stack), files: stack.files });
const reconcileDeps = (): ReconcileDeps => ({ store: stack.store, files, queue, log: silentLogger });
const sheetOf = (zoneId: string) => prov.sheets.get(zoneId)!;
const typedFor = (zoneId: string) =>
  Object.fromEntries(
    Object.entries(ev.demo.values[2025]![zoneId]!).map(([code, cell]) => [code, cell.typed]),
  );

beforeAll(async () => {
  stack = await startLocalStack({
    emulator: { quota: 'off' },
    calls: { retry: { baseDelayMs: 5, maxDelayMs: 20 }, pace: false },
  });
  prov = await provisionEvaluation(stack, ev.methodology.spec, zones, typedFor);
  const meta = await stack.google.drive.files.get({
    fileId: prov.controlId,
    fields: 'parents,driveId',
    supportsAllDrives: true,
  });
  folder = meta.data.parents![0]!;
  // Two files a page, so that the poll has to follow nextPageToken to see every sheet.
  files = new GoogleSpreadsheetFiles(stack.google, 2, { driveId: meta.data.driveId! });
  await stack.store.requestSheet(E, prov.controlId);
  const control = await syncControl({ evaluationId: E, spreadsheetId: prov.controlId }, sheetDeps());
  if (control.status !== 'installed') throw new Error(`control sync: ${JSON.stringify(control)}`);
  for (const z of zones) {
    const outcome = await syncSheet(
      { evaluationId: E, spreadsheetId: sheetOf(z.zoneId), caller: 'control' },
      sheetDeps(),
    );
    if (outcome.status !== 'synced') throw new Error(`sync of ${z.zoneId}: ${JSON.stringify(outcome)}`);
  }
});
afterAll(() => stack.close());
beforeEach(() => {
  sent.length = 0;
});

it("after every sheet's sync, including the system's own Feedback writes, the poll finds nothing to read", async () => {
  const listings = stack.emulator.requestCount({ route: 'drive.files.list' });
  const outcome = await reconcile(reconcileDeps(), { evaluationId: E, folder });
  expect(outcome.listed).toBe(zones.length + 1);
  expect(outcome.requested).toEqual([]);
  expect(outcome.resent).toEqual([]);
  expect(outcome.unlisted).toEqual([]);
  expect(sent).toEqual([]);
  // Every page of the listing: four files two a page.
  expect(stack.emulator.requestCount({ route: 'drive.files.list' }) - listings).toBe(2);
});

it('an edit made through the API, which fires no trigger, is asked to sync, and the sync ends the re-reads', async () => {
  const s = sheetOf(first);
  const official = stack.clientsAs(officialOf(first));
  const code = (await official.sheets.spreadsheets.values.get({ spreadsheetId: s, range: 'Form!A4' })).data
    .values![0]![0] as string;
  await official.sheets.spreadsheets.values.update({
    spreadsheetId: s,
    range: 'Form!D4',
    valueInputOption: 'USER_ENTERED',
    requestBody: { values: [['77']] },
  });
  const before = await stack.store.getSheetState(E, s);

  const outcome = await reconcile(reconcileDeps(), { evaluationId: E, folder });
  expect(outcome.requested).toEqual([
    {
      spreadsheetId: s,
      requested: before!.requested + 1,
      from: before!.driveVersion,
      to: expect.any(String),
    },
  ]);
  expect(sent).toHaveLength(1);
  expect(sent[0]).toMatchObject({ queue: 'sync', group: s, dedupId: `${s}#${before!.requested + 1}` });
  const message = SyncMessageSchema.parse(JSON.parse(sent[0]!.body));
  expect(message).toMatchObject({ caller: 'reconcile', kind: 'zone', requested: before!.requested + 1 });

  const synced = await syncSheet(message, sheetDeps());
  expect(synced).toMatchObject({ status: 'synced', revision: expect.any(Number) });
  expect((await stack.store.getCurrent(E, first))?.values[code]?.text).toBe('77');
  expect((await stack.store.listRevisions(E, first)).at(-1)).toMatchObject({ caller: 'reconcile' });

  sent.length = 0;
  const again = await reconcile(reconcileDeps(), { evaluationId: E, folder });
  expect(again.requested).toEqual([]);
  expect(sent).toEqual([]);
});

it('a sheet and the evaluation left pending are re-sent after two minutes without progress, under a fresh dedup id', async () => {
  const s = sheetOf(second);
  const t0 = new Date();
  // A signal counted, whose message is then lost (the sync never runs).
  const { requested } = await requestSync(
    { store: stack.store, queue, now: () => t0, log: silentLogger },
    { evaluationId: E, spreadsheetId: s, caller: 'trigger' },
  );
  sent.length = 0;
  const evaluation = (await stack.store.getEvaluationState(E))!;
  expect(evaluation.requested).toBeGreaterThan(evaluation.scored);

  const early = await reconcile(reconcileDeps(), {
    evaluationId: E,
    folder,
    now: new Date(t0.getTime() + 60_000),
  });
  expect(early.resent).toEqual([]);
  expect(early.evaluationResent).toBeNull();
  expect(early.requested).toEqual([]);
  expect(sent).toEqual([]);

  const later = new Date(t0.getTime() + 2 * 60_000 + 1_000);
  const minute = retryMinute(later);
  const late = await reconcile(reconcileDeps(), { evaluationId: E, folder, now: later });
  expect(late.resent).toEqual([
    { spreadsheetId: s, requested, dedupId: `${s}#${requested}#retry-${minute}` },
  ]);
  expect(late.evaluationResent).toEqual({
    requested: evaluation.requested,
    dedupId: `${E}#${evaluation.requested}#retry-${minute}`,
  });
  // The counter is not moved: the re-sent message carries the same `requested`, which the sync compares with.
  expect((await stack.store.getSheetState(E, s))?.requested).toBe(requested);
  const bySyncQueue = sent.filter((m) => m.queue === 'sync');
  expect(bySyncQueue).toHaveLength(1);
  expect(SyncMessageSchema.parse(JSON.parse(bySyncQueue[0]!.body))).toMatchObject({
    spreadsheetId: s,
    requested,
    caller: 'reconcile',
    kind: 'zone',
  });
  const byEvaluateQueue = sent.filter((m) => m.queue === 'evaluate');
  expect(byEvaluateQueue).toEqual([expect.objectContaining({ group: E })]);
  // The re-send carries when the evaluation's wait began (its pendingSince), for edit-to-publish.
  expect(evaluation.pendingSince).toEqual(expect.any(String));
  expect(EvaluateMessageSchema.parse(JSON.parse(byEvaluateQueue[0]!.body))).toEqual({
    evaluationId: E,
    requested: evaluation.requested,
    caller: 'reconcile',
    signalledAt: evaluation.pendingSince,
  });

  // The re-sent message runs: the sheet catches up and the next poll has nothing to re-send for it.
  sent.length = 0;
  await syncSheet(SyncMessageSchema.parse(JSON.parse(bySyncQueue[0]!.body)), sheetDeps());
  const after = await reconcile(reconcileDeps(), { evaluationId: E, folder, now: later });
  expect(after.resent).toEqual([]);
  expect(after.requested).toEqual([]);
});

it('the retry minute changes every minute, so the next poll is not dropped as a duplicate', () => {
  expect(retryMinute(new Date('2026-11-28T02:40:59.999Z'))).toBe('20261128T0240');
  expect(retryMinute(new Date('2026-11-28T02:41:00.000Z'))).toBe('20261128T0241');
});

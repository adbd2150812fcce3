/**
 * The evaluate stage's decisions over an in-memory store and publisher: coalescing, the input-hash skip, a refused
 * methodology, run order between concurrent invocations, and a results sheet that is unavailable.
 */

import { compileMethodology } from '../../../lib/core/methodology';
import { type EvaluateStore, evaluateRun } from '../../../lib/pipeline/evaluate';
import { EMPTY_GOVERNANCE } from '../../../lib/pipeline/governance';
import { silentLogger } from '../../../lib/pipeline/log';
import type {
  CentralTab,
  CurrentValues,
  EvaluationState,
  MethodologyRecord,
  PublishOutcome,
  ResultsPublisher,
  Revision,
  RunRecord,
  SheetState,
} from '../../../lib/pipeline/ports';
import type { ResultsDoc } from '../../../lib/pipeline/results';
import { contentHash } from '../../../lib/protocol/hash';
import { TINY_METHODOLOGY, TINY_ZONES, tinyInputs } from '../../helpers/results';

class MemoryStore implements EvaluateStore {
  state: EvaluationState;
  runs = new Map<number, RunRecord>();
  currents: CurrentValues[] = [];
  central: CentralTab[] = [];
  methodologies = new Map<string, MethodologyRecord>();
  writes: string[] = [];
  /** Called just before `setCurrentRun` moves the pointer: lets a test run a concurrent invocation there. */
  beforeSetCurrent?: () => Promise<void>;

  constructor(public results: string | null = 'results-sheet') {
    this.state = {
      evaluationId: 'e',
      requested: 0,
      scored: 0,
      lastRunSeq: 0,
      currentRun: null,
      publishedRun: null,
      methodologyVersion: null,
      resyncedVersion: null,
      methodologySeq: 1,
      lastRequestAt: null,
      scoredAt: null,
    };
  }
  install(methodology: Record<string, unknown>) {
    const version = contentHash(methodology);
    this.methodologies.set(version, {
      version,
      methodology,
      zones: TINY_ZONES,
      spreadsheetId: null,
      at: '2025-03-01T08:00:00.000Z',
    });
    this.state.methodologyVersion = version;
  }
  async requestEvaluation() {
    return ++this.state.requested;
  }
  async getEvaluationState(e: string) {
    return e === 'e' ? structuredClone(this.state) : null;
  }
  async markScored(_e: string, r: number) {
    this.writes.push(`scored ${r}`);
    if (this.state.scored >= r) return false;
    this.state.scored = r;
    return true;
  }
  async listCurrent() {
    return structuredClone(this.currents);
  }
  async nextRunSeq() {
    this.writes.push('runSeq');
    return ++this.state.lastRunSeq;
  }
  async putRun(_e: string, run: RunRecord) {
    this.writes.push(`run ${run.seq}`);
    this.runs.set(run.seq, structuredClone(run));
  }
  async getRun(_e: string, seq: number) {
    return structuredClone(this.runs.get(seq) ?? null);
  }
  async latestRun() {
    return null;
  }
  async setCurrentRun(_e: string, seq: number) {
    await this.beforeSetCurrent?.();
    if (this.state.currentRun !== null && this.state.currentRun >= seq) return false;
    this.state.currentRun = seq;
    return true;
  }
  async markPublished(_e: string, seq: number) {
    if (this.state.publishedRun !== null && this.state.publishedRun >= seq) return false;
    this.state.publishedRun = seq;
    return true;
  }
  async setMethodologyVersion() {
    return true;
  }
  async setResyncedVersion() {}
  async getMethodology(_e: string, v: string) {
    return this.methodologies.get(v) ?? null;
  }
  async listSheets(): Promise<SheetState[]> {
    return [];
  }
  /** Revisions by zone, and the zones whose revisions were read (provenance). */
  revisions = new Map<string, Revision[]>();
  revisionReads: string[] = [];
  async listRevisions(_e: string, zoneId: string) {
    this.revisionReads.push(zoneId);
    return structuredClone(this.revisions.get(zoneId) ?? []);
  }
  async setDriveVersion(_e: string, s: string, v: string) {
    this.writes.push(`drive ${s} ${v}`);
  }
  async putCentralTab() {
    return true;
  }
  async listCentralTabs() {
    return structuredClone(this.central);
  }
  async setResultsSpreadsheet() {}
  async getResultsSpreadsheet() {
    return this.results;
  }
  async setSheetUnreadable() {}
}

class MemoryPublisher implements ResultsPublisher {
  /** Run sequence of each publish, in order: what the sheet showed over time. */
  published: number[] = [];
  next: PublishOutcome['status'] = 'published';
  /** Runs inside `publish`, before it returns: a concurrent invocation landing mid-write. */
  during?: () => Promise<void>;
  async publish(_s: string, doc: ResultsDoc, _o?: { layoutKnown?: boolean }): Promise<PublishOutcome> {
    if (this.next === 'unavailable') return { status: 'unavailable', reason: 'no access' };
    this.published.push(doc.runSeq);
    const during = this.during;
    this.during = undefined;
    await during?.();
    return { status: 'published', requests: 1, repaired: false, driveVersion: `v${this.published.length}` };
  }
  get last() {
    return this.published.at(-1);
  }
}

function setup(methodology: Record<string, unknown> = TINY_METHODOLOGY as Record<string, unknown>) {
  const store = new MemoryStore();
  store.install(methodology);
  // The tiny zones' values, split as the sync stages store them: zone values in CUR#, X3 in the customs tab.
  const inputs = tinyInputs();
  const customs: CentralTab['zones'] = {};
  for (const x of inputs) {
    const { X3, ...own } = x.values ?? {};
    if (X3) customs[x.zone.zoneId] = { X3 };
    if (x.submitted)
      store.currents.push({
        zoneId: x.zone.zoneId,
        revSeq: x.revision!,
        mappingSeq: 1,
        spreadsheetId: x.zone.spreadsheetId!,
        readSeq: 1,
        contentHash: contentHash(own),
        values: own,
        updatedAt: x.updatedAt!,
        editor: x.editor,
      });
  }
  store.central.push({
    tab: 'customs',
    spreadsheetId: 'central',
    zones: customs,
    contentHash: contentHash(customs),
    readSeq: 1,
    updatedAt: '2025-03-01T08:00:00.000Z',
  });
  const publisher = new MemoryPublisher();
  const deps = { store, publisher, log: silentLogger, now: () => new Date('2025-03-02T08:00:00Z') };
  const evaluate = () => evaluateRun({ evaluationId: 'e', caller: 'test' }, deps);
  return { store, publisher, evaluate };
}

test('nothing requested: coalesced, without reading values', async () => {
  const { store, evaluate } = setup();
  expect(await evaluate()).toEqual({ status: 'coalesced', requested: 0, scored: 0 });
  expect(store.writes).toEqual([]);
});

test('a request scores every mapped zone, stores the run, moves the pointer, publishes and marks scored', async () => {
  const { store, publisher, evaluate } = setup();
  await store.requestEvaluation();
  const out = await evaluate();
  expect(out).toMatchObject({ status: 'scored', run: 1, publish: 'published', requests: 1 });
  expect(store.state).toMatchObject({ scored: 1, currentRun: 1, publishedRun: 1 });
  expect(publisher.published).toEqual([1]);
  // Central values are merged at scoring; the zone without a submission is listed.
  const doc = store.runs.get(1)!.results as ResultsDoc;
  expect(doc.zones.map((z) => z.zoneId).sort()).toEqual(['z1', 'z2', 'z3', 'z4', 'z5']);
  expect(doc.zones.find((z) => z.zoneId === 'z4')!.values['X3']).toBe(6);
  expect(store.writes).toEqual(['runSeq', 'run 1', 'drive results-sheet v1', 'scored 1']);
});

test('a request with the same input costs no run write and no publish', async () => {
  const { store, publisher, evaluate } = setup();
  await store.requestEvaluation();
  await evaluate();
  store.writes = [];
  await store.requestEvaluation();
  expect(await evaluate()).toMatchObject({
    status: 'unchanged',
    run: 1,
    publish: 'already-published',
    requests: 0,
  });
  expect(store.writes).toEqual(['scored 2']);
  expect(publisher.published).toEqual([1]);
});

test('a change in central data or in the values of a zone gives a new input hash', async () => {
  const { store, evaluate } = setup();
  await store.requestEvaluation();
  const a = await evaluate();
  store.central[0]!.contentHash = 'other';
  await store.requestEvaluation();
  const b = await evaluate();
  store.currents[0]!.contentHash = 'other';
  await store.requestEvaluation();
  const c = await evaluate();
  const hashes = [a, b, c].map((o) => (o.status === 'scored' ? o.inputHash : o.status));
  expect(new Set(hashes).size).toBe(3);
});

test('a methodology the data cannot satisfy is refused, logged, and nothing is stored or published', async () => {
  const { store, publisher, evaluate } = setup({
    ...TINY_METHODOLOGY,
    grade: { method: 'quota', grades: [{ code: 'A', count: 9 }] },
  } as Record<string, unknown>);
  await store.requestEvaluation();
  const out = await evaluate();
  expect(out).toMatchObject({ status: 'refused', requested: 1 });
  expect(out.status === 'refused' && out.reason).toMatch(/quotas add up to 9/);
  expect(store.runs.size).toBe(0);
  expect(publisher.published).toEqual([]);
  expect(store.state.scored).toBe(1);
});

test('a stored version holding settings its methods do not read (stored before that rule) still scores, as without them', async () => {
  // A target under min-max, a Box-Cox lambda under no treatment, a gate with no condition: a new input with any of
  // these is refused, but a version already stored with them must not stop the evaluation.
  const stale = {
    ...TINY_METHODOLOGY,
    indicators: TINY_METHODOLOGY.indicators!.map((ind, i) => (i === 0 ? { ...ind, target: 30 } : ind)),
    treat: { method: 'none', lambda: 0.5 },
    grade: { ...TINY_METHODOLOGY.grade!, gates: [{ maxGrade: 'B' }] },
  } as Record<string, unknown>;
  const strict = compileMethodology(stale);
  expect(strict.ok ? [] : strict.issues.map((i) => i.path)).toEqual([
    'treat.lambda',
    'indicators[0] (X1).target',
    'grade.gates[0]',
  ]);

  const plain = setup();
  await plain.store.requestEvaluation();
  await plain.evaluate();
  const old = setup(stale);
  await old.store.requestEvaluation();
  expect(await old.evaluate()).toMatchObject({ status: 'scored', run: 1, publish: 'published' });
  const scores = (s: MemoryStore) =>
    (s.runs.get(1)!.results as ResultsDoc).zones.map((z) => [z.zoneId, z.score, z.grade]);
  expect(scores(old.store)).toEqual(scores(plain.store));
});

test('an older run that loses the pointer to a newer one is stored but never published', async () => {
  const { store, publisher, evaluate } = setup();
  await store.requestEvaluation();
  // A second invocation (a redelivery racing the first) stores and publishes run 2 while run 1 is being stored.
  let raced = false;
  store.beforeSetCurrent = async () => {
    if (raced) return;
    raced = true;
    store.currents[0]!.contentHash = 'edited';
    await store.requestEvaluation();
    await evaluate();
  };
  const out = await evaluate();
  expect(out).toMatchObject({ status: 'scored', run: 1, publish: 'superseded' });
  expect(publisher.published).toEqual([2]);
  expect(store.state).toMatchObject({ currentRun: 2, publishedRun: 2 });
});

test('a publish overtaken by a newer run published meanwhile writes the newest run again', async () => {
  const { store, publisher, evaluate } = setup();
  await store.requestEvaluation();
  await evaluate();
  store.currents[0]!.contentHash = 'edit 1';
  await store.requestEvaluation();
  // While run 2 is being written, a newer run 3 is scored, stored and published by another invocation.
  publisher.during = async () => {
    store.currents[0]!.contentHash = 'edit 2';
    await store.requestEvaluation();
    await evaluate();
  };
  await evaluate();
  // The sheet showed 1, then 2 and 3 raced; the last write is run 3's.
  expect(publisher.published).toEqual([1, 2, 3, 3]);
  expect(publisher.last).toBe(3);
  expect(store.state.publishedRun).toBe(3);
});

test('an unavailable results sheet is a defined outcome: the run stays current and is published later', async () => {
  const { store, publisher, evaluate } = setup();
  publisher.next = 'unavailable';
  await store.requestEvaluation();
  expect(await evaluate()).toMatchObject({ status: 'scored', run: 1, publish: 'unavailable' });
  expect(store.state).toMatchObject({ scored: 1, currentRun: 1, publishedRun: null });

  publisher.next = 'published';
  await store.requestEvaluation();
  expect(await evaluate()).toMatchObject({ status: 'unchanged', run: 1, publish: 'published' });
  expect(store.state.publishedRun).toBe(1);
});

test('no results spreadsheet provisioned: the run is stored, and the outcome says why nothing was published', async () => {
  const { store, publisher, evaluate } = setup();
  store.results = null;
  await store.requestEvaluation();
  expect(await evaluate()).toMatchObject({ status: 'scored', publish: 'no-results-sheet' });
  expect(publisher.published).toEqual([]);
});

test('the previous year is its own evaluation: its published run gives the change columns and enters the hash', async () => {
  const { store, evaluate } = setup({ ...TINY_METHODOLOGY, previousEvaluation: 'e' } as Record<
    string,
    unknown
  >);
  await store.requestEvaluation();
  const first = await evaluate();
  // Run 1 is now this evaluation's published run, so run 2 compares with it (a stand-in for last year's).
  await store.requestEvaluation();
  const second = await evaluate();
  expect(second).toMatchObject({ status: 'scored', run: 2 });
  expect(
    first.status === 'scored' && second.status === 'scored' && first.inputHash !== second.inputHash,
  ).toBe(true);
  const doc = store.runs.get(2)!.results as ResultsDoc;
  expect(doc.previous).toEqual({ evaluationId: 'e', runSeq: 1, year: 2025 });
  const z4 = doc.zones.find((z) => z.zoneId === 'z4')!;
  expect(z4.previous).toEqual({ rank: z4.rank, score: z4.score, grade: z4.grade });
});

test('after a sign-off, a later run is stored but the results sheet keeps the signed-off run until a new sign-off', async () => {
  const { store, publisher, evaluate } = setup();
  await store.requestEvaluation();
  await evaluate();
  const governance = {
    ...EMPTY_GOVERNANCE,
    signOff: { year: 2025, run: 1, by: 'admin@x.test', at: '2025-03-02T09:00:00.000Z' },
  };
  const signed = Object.assign(store, { getGovernance: async () => governance });
  signed.currents[0]!.values = { ...signed.currents[0]!.values, X1: { value: 999, text: '999' } };
  signed.currents[0]!.contentHash = 'changed';
  await store.requestEvaluation();
  expect(await evaluate()).toMatchObject({ status: 'scored', run: 2, publish: 'signed-off', requests: 0 });
  expect(publisher.published).toEqual([1]);
  expect(store.state).toMatchObject({ currentRun: 2, publishedRun: 1 });
  // A new sign-off of run 2 lets it through.
  governance.signOff = { ...governance.signOff, run: 2 };
  await store.requestEvaluation();
  expect(await evaluate()).toMatchObject({ status: 'unchanged', run: 2, publish: 'published' });
  expect(publisher.published).toEqual([1, 2]);
});

test('each value scored names the revision that entered it, who and when; a later run reads only the zones edited since', async () => {
  const { store, evaluate } = setup();
  const rev = (zoneId: string, seq: number, editor: string, values: Revision['values']): Revision => ({
    zoneId,
    seq,
    values,
    contentHash: `h${seq}`,
    spreadsheetId: `sheet-${zoneId}`,
    driveVersion: null,
    readSeq: seq,
    caller: 'trigger',
    editor,
    at: `2025-03-0${seq}T08:00:00.000Z`,
  });
  // z1: X1 and X2 entered at revision 1; revision 2's X2 was refused, so the value in use is still revision 1's.
  store.revisions.set('z1', [
    rev('z1', 1, 'first@z1', { X1: { value: 10, text: '10' }, X2: { value: 3, text: '3' } }),
    rev('z1', 2, 'second@z1', {
      X1: { value: 10, text: '10' },
      X2: { value: 3, text: '3x', note: 'refused: not a number' },
    }),
  ]);
  store.currents.find((c) => c.zoneId === 'z1')!.revSeq = 2;
  await store.requestEvaluation();
  await evaluate();
  const z1 = (store.runs.get(1)!.results as ResultsDoc).zones.find((z) => z.zoneId === 'z1')!;
  expect(z1.provenance).toEqual([
    { revision: 1, by: 'first@z1', at: '2025-03-01T08:00:00.000Z', indicators: ['X1', 'X2'] },
    { revision: null, by: 'central:customs', at: '2025-03-01T08:00:00.000Z', indicators: ['X3'] },
  ]);
  expect(store.revisionReads.sort()).toEqual(['z1', 'z2', 'z3', 'z4']);

  // z2's official changes X1 at revision 3: only z2's revisions are read again; z1's provenance is carried over.
  store.revisionReads = [];
  const z2 = store.currents.find((c) => c.zoneId === 'z2')!;
  z2.values = { ...z2.values, X1: { value: 99, text: '99' } };
  z2.revSeq = 3;
  z2.contentHash = 'changed';
  store.revisions.set('z2', [
    rev('z2', 2, 'official@z2', { X1: { value: 15, text: '15' }, X2: { value: 4, text: '4' } }),
    rev('z2', 3, 'other@z2', { X1: { value: 99, text: '99' }, X2: { value: 4, text: '4' } }),
  ]);
  await store.requestEvaluation();
  expect(await evaluate()).toMatchObject({ status: 'scored', run: 2 });
  expect(store.revisionReads).toEqual(['z2']);
  const doc = store.runs.get(2)!.results as ResultsDoc;
  expect(doc.zones.find((z) => z.zoneId === 'z1')!.provenance).toEqual(z1.provenance);
  expect(doc.zones.find((z) => z.zoneId === 'z2')!.provenance).toEqual([
    { revision: 2, by: 'official@z2', at: '2025-03-02T08:00:00.000Z', indicators: ['X2'] },
    { revision: 3, by: 'other@z2', at: '2025-03-03T08:00:00.000Z', indicators: ['X1'] },
    { revision: null, by: 'central:customs', at: '2025-03-01T08:00:00.000Z', indicators: ['X3'] },
  ]);
});

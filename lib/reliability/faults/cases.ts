/**
 * The fault cases. Each injects its fault into a seeded world, makes the officials' edits it needs, and leaves the
 * loop quiet with the fault removed; the verdict (verify.ts) then compares the world with a clean run. A case
 * returns its own failures: chiefly a fault that was never exercised (a case that cannot fail is a defect).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FaultHandle } from '../../local/emulator/faults';
import { fireSignal } from '../../local/emulator/trigger';
import { DRIVE_ADMIN } from '../../local/seed';
import { STALL_MS } from '../../pipeline/reconcile';
import { columnLetters, FEEDBACK_TAB } from '../../sheets';
import { countConditionalConflicts } from '../harness';
import { crashAfterStore, crashBeforeAck, lambdaTimeout, reconcileAt, sqsEvent, type Undo } from './inject';
import type { World, WorldOptions } from './world';

export type FaultCase = {
  name: string;
  /** What is injected, for the progress line. */
  what: string;
  world?: Omit<WorldOptions, 'evaluationId' | 'zones'>;
  /** Messages the case means to leave in a dead-letter queue (an alarm for the admin, not a loss). */
  deadLetters?: Partial<Record<'sync' | 'evaluate', number>>;
  run(world: World): Promise<string[]>;
};

/** Edits made at once by the officials of zones `from` to `from + n - 1`, each a new value of `code`. */
async function editZones(w: World, from: number, n: number, code: string, base: number) {
  const made = Array.from({ length: n }, (_, k) => ({ zoneId: w.zoneAt(from + k), code, value: base + k }));
  const sent = await Promise.all(made.map((m) => w.edit(m.zoneId, m.code, String(m.value))));
  const refused = sent.filter((s) => s.status !== 202);
  return {
    made,
    failures: refused.length
      ? [`${refused.length} edits' signals were not accepted (${refused[0]?.status})`]
      : [],
  };
}

/** The case waited for the loop: every edit it made must be in the history. */
function accept(w: World, made: { zoneId: string; code: string; value: number }[]) {
  for (const m of made) w.accepted(m.zoneId, m.code, m.value);
}

const exercised = (what: string, hits: number, wanted: number) =>
  hits >= wanted ? [] : [`${what}: the fault was served ${hits} times, not ${wanted}`];

/**
 * Officials edit zones (`editZones`' arguments) while the faults are in place; once the loop is quiet the faults
 * are lifted and every edit must be accepted. Fails where an edit's signal was refused or a fault was served fewer
 * times than wanted.
 */
async function editsUnderFaults(
  w: World,
  [from, n, code, base]: [number, number, string, number],
  faults: [what: string, fault: FaultHandle | Undo, wanted: number][],
): Promise<string[]> {
  const { made, failures } = await editZones(w, from, n, code, base);
  await w.settle();
  for (const [, f] of faults) {
    if ('remove' in f) f.remove();
    else f.undo();
  }
  accept(w, made);
  return [...failures, ...faults.flatMap(([what, f, wanted]) => exercised(what, f.hits, wanted))];
}

export const FAULT_CASES: FaultCase[] = [
  {
    name: 'sheets-429-read',
    what: 'a storm of 40 Sheets 429s on the zone sheets’ reads while 4 officials edit',
    async run(w) {
      const storm = w.runtime.stack.emulator.faults.rateLimit('sheets.spreadsheets.get', 40);
      return editsUnderFaults(w, [0, 4, 'T03', 41], [['429 on read', storm, 40]]);
    },
  },
  {
    name: 'sheets-429-publish',
    what: 'a storm of 30 Sheets 429s on the results sheet’s publish',
    async run(w) {
      const storm = w.runtime.stack.emulator.faults.rateLimit('sheets.spreadsheets.batchUpdate', 30, {
        spreadsheetId: w.year.resultsId,
      });
      return editsUnderFaults(w, [2, 3, 'T05', 4100.5], [['429 on publish', storm, 30]]);
    },
  },
  {
    name: 'sheets-5xx-read',
    what: '503s on the zone sheets’ reads, 500s on Drive’s version read, and dropped connections',
    async run(w) {
      const faults = w.runtime.stack.emulator.faults;
      const unavailable = faults.error('sheets.spreadsheets.get', 503, { times: 20 });
      const internal = faults.error('drive.files.get', 500, { times: 10 });
      const dropped = faults.drop('sheets.spreadsheets.get', { times: 4 });
      return editsUnderFaults(
        w,
        [4, 3, 'T03', 52],
        [
          ['503 on read', unavailable, 20],
          ['500 on Drive', internal, 10],
          ['dropped read', dropped, 4],
        ],
      );
    },
  },
  {
    name: 'sheets-5xx-publish',
    what: '500s on the publish and 503s on the version read right after it landed',
    async run(w) {
      const faults = w.runtime.stack.emulator.faults;
      const rid = w.year.resultsId;
      const write = faults.error('sheets.spreadsheets.batchUpdate', 500, { times: 14, spreadsheetId: rid });
      const after = faults.error('drive.files.get', 503, { times: 12, spreadsheetId: rid });
      return editsUnderFaults(
        w,
        [6, 2, 'T05', 5200.25],
        [
          ['500 on publish', write, 14],
          ['503 after publish', after, 12],
        ],
      );
    },
  },
  {
    name: 'sync-crash-after-store',
    what: 'the sync dies after storing a revision, after moving the current values, and before acknowledging',
    // Lambda's visibility timeout is sized for the slowest invocation; a second here, so the case is short.
    world: { runtime: { visibilityTimeoutMs: 1000 } },
    async run(w) {
      const afterRevision = crashAfterStore(w.runtime, 'appendRevision', 1);
      const afterCurrent = crashAfterStore(w.runtime, 'putCurrent', 1);
      const beforeAck = crashBeforeAck(w.runtime, 'sync', 2);
      return editsUnderFaults(
        w,
        [0, 3, 'T03', 61],
        [
          ['crash after the revision', afterRevision, 1],
          ['crash after the current values', afterCurrent, 1],
          ['crash before the acknowledgement', beforeAck, 2],
        ],
      );
    },
  },
  {
    name: 'evaluate-crash-after-store',
    what: 'the evaluate stage dies after storing a run, after moving the current run, after publishing, and before acknowledging',
    world: { runtime: { visibilityTimeoutMs: 1000 } },
    async run(w) {
      const out: string[] = [];
      const afterRun = crashAfterStore(w.runtime, 'putRun', 1);
      const afterCurrent = crashAfterStore(w.runtime, 'setCurrentRun', 1);
      const first = await editZones(w, 1, 2, 'T05', 6100.5);
      await w.settle();
      const afterPublished = crashAfterStore(w.runtime, 'markPublished', 1);
      const beforeAck = crashBeforeAck(w.runtime, 'evaluate', 1);
      const second = await editZones(w, 3, 1, 'T05', 6200.5);
      await w.settle();
      for (const f of [afterRun, afterCurrent, afterPublished, beforeAck]) f.undo();
      accept(w, [...first.made, ...second.made]);
      out.push(...first.failures, ...second.failures);
      return [
        ...out,
        ...exercised('crash after the run', afterRun.hits, 1),
        ...exercised('crash after the current-run pointer', afterCurrent.hits, 1),
        ...exercised('crash after the publish', afterPublished.hits, 1),
        ...exercised('crash before the acknowledgement', beforeAck.hits, 1),
      ];
    },
  },
  {
    name: 'signals-duplicate-delayed-reordered',
    what: 'signals duplicated, arriving late and out of order, and a stale duplicate after the sheet was read',
    async run(w) {
      const out: string[] = [];
      const [a, b] = [w.zoneAt(5), w.zoneAt(6)];
      // The values land through the API (no trigger); the signals then arrive as a flaky network delivers them.
      await w.apiEdit(a, 'T03', '71');
      await w.apiEdit(b, 'T03', '72');
      const cfg = { url: w.runtime.webhookUrl, masterSecret: w.runtime.triggerSecret };
      const now = Date.now();
      const sent = await Promise.all([
        fireSignal(cfg, w.sheetOf(b), now),
        fireSignal(cfg, w.sheetOf(a), now - 4 * 60_000),
        fireSignal(cfg, w.sheetOf(a), now - 4 * 60_000),
        fireSignal(cfg, w.sheetOf(b), now - 60_000),
        fireSignal(cfg, w.sheetOf(a), now),
      ]);
      if (sent.some((s) => s.status !== 202))
        out.push(`signals answered ${sent.map((s) => s.status).join(', ')}`);
      await w.settle();
      w.accepted(a, 'T03', 71);
      w.accepted(b, 'T03', 72);
      // A later edit is read; then a duplicate of the earlier signal, delayed in transit, arrives after it.
      const late = await w.edit(a, 'T03', '73');
      if (late.status !== 202) out.push(`the edit's signal was answered ${late.status}`);
      await w.settle();
      w.accepted(a, 'T03', 73);
      const stale = await fireSignal(cfg, w.sheetOf(a), now - 2 * 60_000);
      if (stale.status !== 202) out.push(`the stale duplicate was answered ${stale.status}`);
      await w.settle();
      return out;
    },
  },
  {
    name: 'signal-lost',
    what: 'a trigger that did not fire, a signal lost in transit, and an edit through the API: the reconcile poll catches them',
    async run(w) {
      const out: string[] = [];
      const emulator = () => w.runtime.stack.emulator;
      const [a, b, c] = [w.zoneAt(7), w.zoneAt(8), w.zoneAt(9)];
      emulator().disableTrigger(w.sheetOf(a));
      await w.edit(a, 'T03', '81');
      emulator().enableTrigger(w.sheetOf(a));
      // The webhook unreachable for one signal (port 9, discard: nothing listens), as a failed UrlFetch.
      emulator().setWebhook({ url: 'http://127.0.0.1:9/', masterSecret: w.runtime.triggerSecret });
      const lost = await w.edit(b, 'T03', '82');
      emulator().setWebhook({ url: w.runtime.webhookUrl, masterSecret: w.runtime.triggerSecret });
      if (lost.error === undefined) out.push(`the signal in transit was not lost (answered ${lost.status})`);
      await w.apiEdit(c, 'T03', '83');
      await w.settle();
      for (const [z, v] of [
        [a, 81],
        [b, 82],
        [c, 83],
      ] as const)
        if ((await w.publishedValue(z, 'T03')) === v) out.push(`${z}'s edit was published with no signal`);
      await w.runtime.reconcileNow();
      await w.settle();
      for (const [z, v] of [
        [a, 81],
        [b, 82],
        [c, 83],
      ] as const)
        w.accepted(z, 'T03', v);
      return out;
    },
  },
  {
    name: 'evaluate-race',
    what: 'evaluate runs racing: an older run’s publish lands after a newer one’s, two runs score at once, two syncs of one sheet race',
    async run(w) {
      const out: string[] = [];
      const rt = w.runtime;
      const e = w.year.evaluationId;
      const faults = rt.stack.emulator.faults;
      const [a, b] = [w.zoneAt(10), w.zoneAt(11)];
      // The race is only proven when two writers met: at least one conditional write must have been refused.
      const conflicts = countConditionalConflicts(rt.stack.dynamo.raw);
      // The queue's run reaches the publish and is held there, before the write lands.
      const held = faults.hold('sheets.spreadsheets.batchUpdate', {
        spreadsheetId: w.year.resultsId,
        stage: 'before',
      });
      await w.edit(a, 'T03', '91');
      await held.reached;
      // Meanwhile a newer edit is read, and two more evaluate invocations (a second poller) score it at once.
      await w.edit(b, 'T03', '92');
      await w.synced(b);
      const requested = (await rt.stack.store.getEvaluationState(e))?.requested ?? 0;
      const racing = () =>
        rt.handlers.evaluate(sqsEvent(rt, 'evaluate', e, { evaluationId: e, requested, caller: 'race' }));
      await Promise.all([racing(), racing()]);
      const conflictsOfRuns = conflicts.count;
      if (conflictsOfRuns === 0)
        out.push('the two racing evaluate invocations met no refused conditional write: they did not race');
      if ((await w.publishedValue(b, 'T03')) !== 92)
        out.push('the newer run was not published while the older one was held');
      // The older run's write lands now, over the newer one; its run must write the newer one again.
      held.release();
      await w.settle();
      w.accepted(a, 'T03', 91);
      w.accepted(b, 'T03', 92);
      // Two syncs of one sheet race: the first read is answered from before an edit that lands while it is held.
      const readHeld = faults.hold('sheets.spreadsheets.get', {
        spreadsheetId: w.sheetOf(a),
        stage: 'after',
      });
      await w.edit(a, 'T03', '93');
      await readHeld.reached;
      await w.edit(a, 'T03', '94');
      const sheetRequested = (await rt.stack.store.getSheetState(e, w.sheetOf(a)))?.requested ?? 0;
      const directSync = rt.handlers.sync(
        sqsEvent(rt, 'sync', w.sheetOf(a), {
          evaluationId: e,
          spreadsheetId: w.sheetOf(a),
          requested: sheetRequested,
          caller: 'race',
          kind: 'zone',
        }),
      );
      await directSync;
      readHeld.release();
      await w.settle();
      conflicts.remove();
      w.accepted(a, 'T03', 94);
      // The held read's sync finds the later read already stored: its conditional write of the current values fails.
      if (conflicts.count === conflictsOfRuns)
        out.push('the held, older sync met no refused conditional write: the two syncs did not race');
      return [
        ...out,
        ...exercised('held publish', held.hits, 1),
        ...exercised('held read', readHeld.hits, 1),
      ];
    },
  },
  {
    name: 'invalid-methodology',
    what: 'a methodologist types an invalid weight on the control sheet; the last valid methodology stays in force',
    async run(w) {
      const out: string[] = [];
      const rt = w.runtime;
      const e = w.year.evaluationId;
      const admin = rt.stack.clientsAs(DRIVE_ADMIN).sheets.spreadsheets;
      const controlId = w.year.controlId;
      const before = (await rt.stack.store.getEvaluationState(e))?.methodologyVersion ?? null;
      const tab =
        (await admin.values.get({ spreadsheetId: controlId, range: 'Indicators' })).data.values ?? [];
      const col = (tab[0] ?? []).findIndex((h) => /^weight/i.test(String(h)));
      const row = tab.findIndex((r) => r[0] === 'T03');
      if (col < 0 || row < 0) return ['the control sheet has no weight of T03'];
      const cell = `Indicators!${columnLetters(col)}${row + 1}`;
      const original = String(tab[row]?.[col] ?? '');
      await rt.stack.emulator.editAsPerson(controlId, DRIVE_ADMIN, cell, [['heavy']]);
      await w.settle();
      const after = (await rt.stack.store.getEvaluationState(e))?.methodologyVersion ?? null;
      if (after !== before) out.push(`the methodology in force moved from ${before} to ${after}`);
      const feedback = async () =>
        ((await admin.values.get({ spreadsheetId: controlId, range: FEEDBACK_TAB })).data.values ?? []).map(
          (r) => r.map(String),
        );
      const refused = await feedback();
      const status = refused.find((r) => r[0] === 'Status 状态')?.[1] ?? '';
      if (!status.startsWith('NOT IN FORCE') || (before !== null && !status.includes(before)))
        out.push(`the control sheet's Feedback status reads “${status}”`);
      if (!refused.some((r) => r.join(' ').includes('heavy')))
        out.push('no row of the control sheet’s Feedback names the refused weight');
      // Officials' edits are still scored under the methodology in force.
      const { made, failures } = await editZones(w, 0, 2, 'T03', 101);
      await w.settle();
      accept(w, made);
      // The methodologist puts the weight back: the same version, nothing left refused.
      await rt.stack.emulator.editAsPerson(controlId, DRIVE_ADMIN, cell, [[original]]);
      await w.settle();
      const restored = await feedback();
      if (!(restored.find((r) => r[0] === 'Status 状态')?.[1] ?? '').startsWith('IN FORCE'))
        out.push('the Feedback still refuses the methodology once the weight is put back');
      const final = (await rt.stack.store.getEvaluationState(e))?.methodologyVersion ?? null;
      if (final !== before) out.push(`putting the weight back moved the version to ${final}`);
      return [...out, ...failures];
    },
  },
  {
    name: 'restart-mid-run',
    what: 'the emulator and the embedded DynamoDB restarted mid-run, their state kept in the data directory',
    // Fewer, slower retries: a message must outlast the restart's seconds, not spend its 5 receives on it.
    world: { persist: true, runtime: { retryDelayMs: 500 } },
    async run(w) {
      const first = await editZones(w, 2, 3, 'T03', 111);
      // The syncs these edits queued are running: both backends go down under them and come back.
      const queues = w.runtime.queues.queues;
      const underWay = queues.sync.pending().length + queues.evaluate.pending().length;
      await w.runtime.restartBackends();
      const second = await editZones(w, 5, 2, 'T03', 121);
      await w.settle();
      accept(w, [...first.made, ...second.made]);
      const out = [...first.failures, ...second.failures];
      if (underWay === 0) out.push('nothing was queued or in flight when the backends restarted');
      if (!w.dataDir || !existsSync(join(w.dataDir, 'emulator', 'emulator-state.json')))
        out.push('the emulator kept no state file');
      return out;
    },
  },
  {
    name: 'lambda-timeout-publish',
    what: 'the evaluate Lambda times out during the publish, once after the write landed and once before',
    world: { runtime: { visibilityTimeoutMs: 1500 } },
    async run(w) {
      const rt = w.runtime;
      const faults = rt.stack.emulator.faults;
      const out: string[] = [];
      for (const [k, stage] of (['after', 'before'] as const).entries()) {
        // The abandoned invocation stays parked here (Lambda discards a timed-out environment).
        const parked = faults.hold('sheets.spreadsheets.batchUpdate', {
          spreadsheetId: w.year.resultsId,
          stage,
        });
        const timeout = lambdaTimeout(rt, 'evaluate', 1000, 1, () => parked.hits > 0);
        const { made, failures } = await editZones(w, 8 + k, 1, 'T05', 7100.5 + k);
        await w.settle();
        timeout.undo();
        accept(w, made);
        out.push(
          ...failures,
          ...exercised(
            `timeout with the write ${stage === 'after' ? 'landed' : 'not landed'}`,
            timeout.hits,
            1,
          ),
        );
      }
      return out;
    },
  },
  {
    name: 'message-lost-and-dead-lettered',
    what: 'the webhook dies between counting a signal and queueing its sync, and a sync is dead-lettered after 5 failed receives; the reconcile poll catches both',
    deadLetters: { sync: 1 },
    async run(w) {
      const out: string[] = [];
      const rt = w.runtime;
      const [a, b] = [w.zoneAt(3), w.zoneAt(4)];
      const e = w.year.evaluationId;
      const syncedBefore = (await rt.stack.store.getSheetState(e, w.sheetOf(a)))?.synced;
      const counted = crashAfterStore(rt, 'requestSheet', 1, (_e, sid) => sid === w.sheetOf(a));
      const signal = await w.edit(a, 'T05', '8100.5');
      counted.undo();
      if (signal.status === 202) out.push('the webhook answered 202 after dying');
      // Every read of b's sheet fails until its message has been received 5 times and moved to the DLQ.
      const down = rt.stack.emulator.faults.error('sheets.spreadsheets.get', 503, {
        spreadsheetId: w.sheetOf(b),
      });
      await w.edit(b, 'T05', '8200.5');
      const dlq = rt.queues.queues.sync;
      for (let k = 0; dlq.deadLetters().length === 0; k++) {
        if (k > 6000) throw new Error('the failing sync was not dead-lettered within a minute');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      down.remove();
      await w.settle();
      for (const [z, v] of [
        [a, 8100.5],
        [b, 8200.5],
      ] as const)
        if ((await w.publishedValue(z, 'T05')) === v) out.push(`${z}'s edit was published before the poll`);
      // The next poll finds nothing stalled yet (a sync may still be on its way); one 3 minutes later does.
      await rt.reconcileNow();
      await w.settle();
      if ((await rt.stack.store.getSheetState(e, w.sheetOf(a)))?.synced !== syncedBefore)
        out.push(`${a}'s sheet was read before its sync had stalled for ${STALL_MS / 60_000} minutes`);
      await reconcileAt(rt, new Date(Date.now() + STALL_MS + 60_000));
      await w.settle();
      w.accepted(a, 'T05', 8100.5);
      w.accepted(b, 'T05', 8200.5);
      return [...out, ...exercised('crash after counting', counted.hits, 1)];
    },
  },
];

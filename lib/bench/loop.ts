/**
 * Benchmarks of the whole loop (issue 9, section 10; DESIGN section 8).
 *
 * `evaluate`: the evaluate stage's computation with no I/O: score, explanations and 1,000 uncertainty replications
 * for 105 zones under each weighting method, the same for 2,000 zones, and the size of a 2,000-zone run as stored.
 *
 * `loop`: the local runtime with the same handlers as on AWS and the production 5 s evaluate delay: the time from a
 * person's edit to the published run that reflects it (trigger path), Sheets and Drive requests per edit, the runs a
 * burst of 200 edits across 50 zones costs and whether its last run shows every edit, and an edit a second under
 * Google's default quota with the calls paced: the rate kept up, and whether a 429 reached a person.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { compileMethodology, formatIssues, type Methodology } from '../core/methodology';
import { parseField } from '../core/values';
import { type DefaultEvaluation, loadDefaultEvaluation } from '../local/default-evaluation';
import type { DemoData, Zone } from '../local/demo-data';
import { type LocalRuntime, PRODUCTION_EVALUATE_DELAY_MS, startLocalRuntime } from '../local/runtime';
import { demoZones, methodologyFor, seedYear } from '../local/runtime-seed';
import { officialOf } from '../local/seed';
import { SERVICE_ACCOUNT } from '../local/stack';
import type { SubmittedValue } from '../pipeline/ports';
import { buildResults, ResultsDocSchema, type ZoneInput } from '../pipeline/results';
import { DEFAULT_PACE } from '../sheets';
import { checksum, type Figure, median, type Suite } from './types';

const WEIGHTINGS = ['explicit', 'equal', 'entropy', 'critic', 'pca'] as const;

function inputsOf(ev: DefaultEvaluation, zones: readonly Zone[], demo: DemoData, year: number): ZoneInput[] {
  return zones.map((z) => {
    const values: Record<string, SubmittedValue> = {};
    for (const ind of ev.methodology.indicators) {
      const typed = demo.values[year]?.[z.zoneId]?.[ind.code]?.typed ?? null;
      const parsed = parseField(typed, ind);
      values[ind.code] = { value: parsed.ok ? parsed.value : null, text: String(typed ?? '') };
    }
    return {
      zone: {
        zoneId: z.zoneId,
        nameEn: z.nameEn,
        nameZh: z.nameZh,
        province: z.provinceEn,
        batch: z.batch,
        editors: [],
      },
      values,
      submitted: true,
      revision: 1,
      updatedAt: '2025-03-01T08:00:00.000Z',
      editor: null,
      unreadable: null,
    };
  });
}

function compiled(spec: Methodology) {
  const c = compileMethodology(spec);
  if (!c.ok) throw new Error(formatIssues(c.issues));
  return c.methodology;
}

/**
 * One evaluate computation: score, explanations, uncertainty, and the results document (`buildResults` runs the
 * analysis once, as the evaluate stage does).
 */
function evaluateOnce(spec: Methodology, inputs: ZoneInput[]) {
  const m = compiled(spec);
  return buildResults({
    evaluationId: 'bench',
    runSeq: 1,
    inputHash: 'bench',
    methodologyVersion: 'bench',
    createdAt: '2025-03-01T08:00:00.000Z',
    m,
    inputs,
    previous: null,
  });
}

export const evaluateSuite: Suite = {
  name: 'evaluate',
  async run(log) {
    const figures: Figure[] = [];
    const ev = loadDefaultEvaluation(2025);
    const inputs = inputsOf(ev, ev.zones, ev.demo, 2025);
    for (const method of WEIGHTINGS) {
      const spec = methodologyFor(ev, 105, { uncertaintyRuns: 1000 });
      spec.weight = { ...spec.weight, method };
      evaluateOnce(spec, inputs);
      const times: number[] = [];
      let doc: ReturnType<typeof evaluateOnce> | undefined;
      for (let k = 0; k < 3; k++) {
        const t0 = performance.now();
        doc = evaluateOnce(spec, inputs);
        times.push(performance.now() - t0);
      }
      figures.push({
        key: `evaluate_105_ms_${method}`,
        value: median(times),
        unit: 'ms',
        budget: 2000,
        checksum: checksum(doc!.zones.map((z) => z.score ?? -1)),
        note: 'score, explanations, 1,000 uncertainty replications, results document; no I/O',
      });
      log(`evaluate 105 zones, ${method} weights: ${median(times).toFixed(0)} ms`);
    }
    const big = demoZones(ev, 2000, 2025);
    const bigInputs = inputsOf(ev, big.zones, big.demo, 2025);
    const spec = methodologyFor(ev, 2000, { uncertaintyRuns: 1000 });
    const t0 = performance.now();
    const doc = evaluateOnce(spec, bigInputs);
    const ms = performance.now() - t0;
    const kb = gzipSync(Buffer.from(JSON.stringify(doc))).byteLength / 1024;
    figures.push({
      key: 'evaluate_2000_ms',
      value: ms,
      unit: 'ms',
      checksum: checksum(doc.zones.map((z) => z.score ?? -1)),
      note: '2,000 zones (1,895 synthetic), explicit weights, 1,000 replications',
    });
    figures.push({
      key: 'run_2000_kb',
      value: kb,
      unit: 'KB',
      note: 'the results document gzipped, as stored',
    });
    log(`evaluate 2,000 zones: ${ms.toFixed(0)} ms; the run gzipped: ${kb.toFixed(0)} KB`);
    return figures;
  },
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

/**
 * Waits until a published run of the evaluation shows `value` for the zone's indicator: the run that reflects the
 * edit, not merely one made after it. Returns when it was first seen published. Each new published run is read
 * once (a run of 105 zones is decoded, not re-read every poll).
 */
async function publishedWith(
  runtime: LocalRuntime,
  e: string,
  edit: { zoneId: string; code: string; value: number },
  timeoutMs: number,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let seen = 0;
  for (;;) {
    const s = await runtime.stack.store.getEvaluationState(e);
    const at = Date.now();
    if (s?.publishedRun && s.publishedRun > seen) {
      seen = s.publishedRun;
      const run = await runtime.stack.store.getRun(e, seen);
      const zone = run && ResultsDocSchema.parse(run.results).zones.find((z) => z.zoneId === edit.zoneId);
      if (zone?.values[edit.code] === edit.value) return at;
    }
    if (at > deadline)
      throw new Error(
        `no published run of ${e} showed ${edit.zoneId}'s ${edit.code} = ${edit.value} within ${timeoutMs} ms`,
      );
    await sleep(20);
  }
}

/**
 * The edits whose value the evaluation's last published run does not show: after a load has gone quiet, the last
 * run must reflect every edit (each load edit types into a cell of its own, so none overwrites another).
 */
export async function unreflected(
  runtime: LocalRuntime,
  e: string,
  edits: readonly { zoneId: string; code: string; value: number }[],
): Promise<{ zoneId: string; code: string; value: number }[]> {
  const s = await runtime.stack.store.getEvaluationState(e);
  const run = s?.publishedRun ? await runtime.stack.store.getRun(e, s.publishedRun) : null;
  const zones = new Map(
    (run ? ResultsDocSchema.parse(run.results).zones : []).map((z) => [z.zoneId, z.values]),
  );
  return edits.filter((x) => zones.get(x.zoneId)?.[x.code] !== x.value);
}

export const loopSuite: Suite = {
  name: 'loop',
  async run(log) {
    const figures: Figure[] = [];
    const ev = loadDefaultEvaluation(2025);
    const E = 'bench-2025';
    // The state is kept in a directory so that the sustained part below can reopen it with its calls paced.
    const dir = mkdtempSync(join(tmpdir(), 'zone-eval-bench-loop-'));
    const rowOf = new Map(
      ev.methodology.indicators.filter((i) => i.source === 'zone').map((i, k) => [i.code, k + 3]),
    );
    try {
      let sheets: ReadonlyMap<string, string> = new Map();
      const runtime = await startLocalRuntime({
        emulator: { quota: 'off', dataDir: dir },
        dynamoPath: join(dir, 'dynamo'),
        evaluateDelayMs: PRODUCTION_EVALUATE_DELAY_MS,
        reconcileEveryMs: false,
        calls: { pace: false },
      });
      try {
        const t0 = performance.now();
        const year = await seedYear(runtime, {
          evaluationId: E,
          year: 2025,
          zones: ev.zones,
          methodology: methodologyFor(ev, 105),
          typed: (z, code) => ev.demo.values[2025]?.[z]?.[code]?.typed ?? null,
        });
        await runtime.untilQuiet({ timeoutMs: 20 * 60_000 });
        log(`seeded and published 105 zones in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
        sheets = year.sheets;

        // 20 edits through the trigger path, each once the previous one's result is published.
        const latencies: number[] = [];
        const sheetsPer: number[] = [];
        const drivePer: number[] = [];
        for (let k = 0; k < 20; k++) {
          const zone = ev.zones[(k * 7) % ev.zones.length]!.zoneId;
          const sid = year.sheets.get(zone)!;
          const sheets0 = runtime.stack.emulator.requestCount({ route: 'sheets.*', caller: SERVICE_ACCOUNT });
          const drive0 = runtime.stack.emulator.requestCount({ route: 'drive.*', caller: SERVICE_ACCOUNT });
          const tEdit = Date.now();
          await runtime.stack.emulator.editAsPerson(sid, officialOf(zone), `Form!D${rowOf.get('T03')}`, [
            [String(100 + k)],
          ]);
          const tPublished = await publishedWith(
            runtime,
            E,
            { zoneId: zone, code: 'T03', value: 100 + k },
            5 * 60_000,
          );
          latencies.push(tPublished - tEdit);
          await runtime.untilQuiet({ timeoutMs: 5 * 60_000 });
          sheetsPer.push(
            runtime.stack.emulator.requestCount({ route: 'sheets.*', caller: SERVICE_ACCOUNT }) - sheets0,
          );
          drivePer.push(
            runtime.stack.emulator.requestCount({ route: 'drive.*', caller: SERVICE_ACCOUNT }) - drive0,
          );
        }
        figures.push(
          {
            key: 'edit_to_publish_p50_ms',
            value: pct(latencies, 0.5),
            unit: 'ms',
            checksum: checksum(latencies.map((x) => Math.round(x / 1000))),
            note: '20 edits, trigger path, 5 s evaluate delay',
          },
          { key: 'edit_to_publish_p95_ms', value: pct(latencies, 0.95), unit: 'ms', budget: 8000 },
          {
            key: 'sheets_requests_per_edit',
            value: median(sheetsPer),
            unit: 'req',
            budget: 3,
            checksum: checksum(sheetsPer),
            note: `max ${Math.max(...sheetsPer)}`,
          },
          {
            key: 'drive_requests_per_edit',
            value: median(drivePer),
            unit: 'req',
            checksum: checksum(drivePer),
            note: `max ${Math.max(...drivePer)}`,
          },
        );
        log(
          `edit to published: p50 ${pct(latencies, 0.5)} ms, p95 ${pct(latencies, 0.95)} ms; Sheets requests per edit ${median(sheetsPer)} (max ${Math.max(...sheetsPer)}), Drive ${median(drivePer)}`,
        );

        // A burst: 200 edits across 50 zones, all at once (four cells per zone); the last published run must show
        // every one of them.
        const burst = await editLoad(
          runtime,
          E,
          loadEdits(ev, year.sheets, ev.zones.slice(0, 50), 200, 3000),
          {
            overMs: 0,
            timeoutMs: 10 * 60_000,
          },
        );
        const missed = await unreflected(runtime, E, burst.edits);
        const unanswered = burst.edits.filter((x) => x.status !== 202).length;
        figures.push(
          {
            key: 'runs_per_200_edit_burst',
            value: burst.runs,
            unit: 'runs',
            note: '200 edits across 50 zones, 5 s delay',
          },
          {
            key: 'burst_edits_unreflected',
            value: missed.length,
            unit: 'edits',
            budget: 0,
            checksum: checksum(missed.map((x) => `${x.zoneId}:${x.code}`)),
            note: `of the 200, not shown by the last published run${unanswered ? `; ${unanswered} signals not answered 202` : ''}`,
          },
        );
        log(
          `a burst of 200 edits across 50 zones: ${burst.runs} runs; edits the last published run does not show: ${missed.length}`,
        );
      } finally {
        await runtime.close();
      }

      // Sustained edits under Google's default quota (60 reads + 60 writes a minute per user), with the calls paced as
      // under `demo --quota default`: the sync consumers (3 at once) share one pacer at DEFAULT_PACE (55 reads + 55
      // writes a minute), the evaluate worker has its own. The same spreadsheets and table, reopened by a runtime so
      // paced (the pacing is fixed when a runtime starts; seeding 105 zones paced would cost minutes). An edit a
      // second for a minute, each into a zone of its own; the figure is those 60 edits over the minutes from the first
      // edit to the last one published: it says the loop keeps up with that rate, not the most it could. No 429 may
      // reach a person: the officials' edits do not call the API (Google counts a quota per user, and the UI's edits
      // none), so what a 429 could do to them is hold back their Feedback or their result, by failing a sync or
      // evaluate record after its retries. `sustained_429_to_people` counts those failed records, and any 429
      // answered to a caller other than the service account; the service's own 429s, absorbed by the retries, are
      // in the note.
      const paced = await startLocalRuntime({
        emulator: { quota: 'default', dataDir: dir },
        dynamoPath: join(dir, 'dynamo'),
        evaluateDelayMs: PRODUCTION_EVALUATE_DELAY_MS,
        reconcileEveryMs: false,
        syncConcurrency: 3,
        calls: { pace: DEFAULT_PACE },
      });
      try {
        paced.stack.emulator.resetRequests();
        const failedRecords = () =>
          paced.counters.get('sync.failed', 'zone-eval-sync') +
          paced.counters.get('evaluate.failed', 'zone-eval-evaluate');
        const load = Array.from({ length: 60 }, (_, k) => {
          const z = ev.zones[k % ev.zones.length]!.zoneId;
          const spreadsheetId = sheets.get(z);
          if (spreadsheetId === undefined) throw new Error(`${z} has no spreadsheet`);
          return { zoneId: z, spreadsheetId, code: 'T03', cell: `Form!D${rowOf.get('T03')}`, value: 500 + k };
        });
        const failed0 = failedRecords();
        const sustained = await editLoad(paced, E, load, { overMs: 60_000, timeoutMs: 20 * 60_000 });
        const failed = failedRecords() - failed0;
        const missed = await unreflected(paced, E, sustained.edits);
        const minutes = sustained.durationMs / 60_000;
        const requests = paced.stack.emulator.requests();
        const othersThrottled = requests.filter(
          (r) => r.status === 429 && r.caller !== SERVICE_ACCOUNT,
        ).length;
        const serviceThrottled = requests.filter(
          (r) => r.status === 429 && r.caller === SERVICE_ACCOUNT,
        ).length;
        const toPeople = failed + othersThrottled;
        const published = sustained.edits.filter((x) => x.publishedAt !== null).length;
        figures.push(
          {
            key: 'sustained_edits_per_min_default_quota',
            value: load.length / minutes,
            unit: '/min',
            checksum: checksum([toPeople, missed.length]),
            note: `${load.length} edits, one a second, calls paced (DEFAULT_PACE, 3 syncs at once); ${published} published, the last after ${minutes.toFixed(1)} min; not shown by the last run ${missed.length}; 429s to the service, retried: ${serviceThrottled}`,
          },
          {
            key: 'sustained_429_to_people',
            value: toPeople,
            unit: 'count',
            budget: 0,
            note: `sync/evaluate records failed during the load ${failed}, 429s answered to callers other than the service ${othersThrottled}`,
          },
        );
        log(
          `sustained: ${(load.length / minutes).toFixed(1)} edits a minute under the default quota, paced; 429s to people: ${toPeople}; unreflected: ${missed.length}`,
        );
      } finally {
        await paced.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return figures;
  },
};

/**
 * `n` edits spread over `zones` in turn, each into a cell of its own: the k-th edit types `base + k` into the
 * zone's next indicator with no upper bound (a count or an amount, so every value is accepted).
 */
export function loadEdits(
  ev: DefaultEvaluation,
  sheets: ReadonlyMap<string, string>,
  zones: readonly Zone[],
  n: number,
  base: number,
): LoadEdit[] {
  const zoneIndicators = ev.methodology.indicators.filter((i) => i.source === 'zone');
  const open = zoneIndicators.filter((i) => i.max === undefined || i.max === null);
  if (n > zones.length * open.length)
    throw new Error(`${n} edits need more than one cell each of ${zones.length} zones`);
  return Array.from({ length: n }, (_, k) => {
    const zone = zones[k % zones.length]!;
    const ind = open[Math.floor(k / zones.length)]!;
    const spreadsheetId = sheets.get(zone.zoneId);
    if (spreadsheetId === undefined) throw new Error(`${zone.zoneId} has no spreadsheet`);
    const row = zoneIndicators.indexOf(ind) + 3;
    return { zoneId: zone.zoneId, spreadsheetId, code: ind.code, cell: `Form!D${row}`, value: base + k };
  });
}

/** One person's edit of a load: a zone's form cell set to a number that no other edit of the load types. */
export type LoadEdit = { zoneId: string; spreadsheetId: string; code: string; cell: string; value: number };

/**
 * An edit as the load sent it: when, the trigger's answer (null when its request failed, as a UrlFetch times out)
 * and when it came, and when a published run first showed its value.
 */
export type SentEdit = LoadEdit & {
  sentAt: number;
  status: number | null;
  answeredAt: number | null;
  publishedAt: number | null;
};

export type EditLoadResult = {
  edits: SentEdit[];
  /** Runs stored from the first edit until every edit was published (or the wait ended). */
  runs: number;
  /** The process's resident memory, sampled from the first edit until the end (ms since the first edit, bytes). */
  rss: { at: number; bytes: number }[];
  /** From the first edit sent to the last one published (or the wait ended). */
  durationMs: number;
};

/**
 * A load of edits as people make them: each edit is typed into its zone's form in the emulator, which fires the
 * signed trigger to the webhook; the edits start evenly spread over `overMs` (0: all at once), without waiting for
 * one another. Meanwhile every newly published run is read to see which edits it shows, so each edit gets its
 * edit-to-publish time. Resolves once every edit is published and the loop is quiet, or after `timeoutMs`.
 */
export async function editLoad(
  runtime: LocalRuntime,
  evaluationId: string,
  load: readonly LoadEdit[],
  options: { overMs: number; timeoutMs: number; rssEveryMs?: number },
): Promise<EditLoadResult> {
  const { store, emulator } = runtime.stack;
  const runsBefore = (await store.getEvaluationState(evaluationId))?.lastRunSeq ?? 0;
  const edits: SentEdit[] = load.map((e) => ({
    ...e,
    sentAt: 0,
    status: null,
    answeredAt: null,
    publishedAt: null,
  }));
  const rss: EditLoadResult['rss'] = [];
  const t0 = Date.now();
  let sending = true;
  const sampler = setInterval(
    () => rss.push({ at: Date.now() - t0, bytes: process.memoryUsage().rss }),
    options.rssEveryMs ?? 500,
  );
  const sent = Promise.all(
    edits.map(async (edit, k) => {
      await sleep(Math.max(0, t0 + (k * options.overMs) / Math.max(1, edits.length) - Date.now()));
      edit.sentAt = Date.now();
      const res = await emulator.editAsPerson(edit.spreadsheetId, officialOf(edit.zoneId), edit.cell, [
        [String(edit.value)],
      ]);
      edit.status = res.signal?.status ?? null;
      edit.answeredAt = Date.now();
    }),
  ).finally(() => {
    sending = false;
  });
  let seen = 0;
  const deadline = t0 + options.timeoutMs;
  for (;;) {
    const state = await store.getEvaluationState(evaluationId);
    const publishedRun = state?.publishedRun ?? 0;
    if (publishedRun > seen) {
      const run = await store.getRun(evaluationId, publishedRun);
      const at = Date.now();
      seen = publishedRun;
      if (run) {
        const zones = new Map(ResultsDocSchema.parse(run.results).zones.map((z) => [z.zoneId, z.values]));
        for (const e of edits)
          if (e.publishedAt === null && e.sentAt > 0 && zones.get(e.zoneId)?.[e.code] === e.value)
            e.publishedAt = at;
      }
    }
    const done = !sending && edits.every((e) => e.publishedAt !== null);
    if (done || Date.now() > deadline) break;
    await sleep(50);
  }
  await sent;
  clearInterval(sampler);
  const durationMs = Date.now() - t0;
  await runtime.untilQuiet({ timeoutMs: Math.max(60_000, deadline - Date.now()) });
  const runs = ((await store.getEvaluationState(evaluationId))?.lastRunSeq ?? 0) - runsBefore;
  return { edits, runs, rss, durationMs };
}

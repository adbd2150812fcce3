/**
 * `zone-eval demo`: the whole loop on this machine, no account needed (DESIGN section 7). The local runtime starts
 * the Sheets/Drive emulator, dynalite, the in-process queues and the real handlers; two evaluation years are
 * provisioned as an admin would (zone forms with the officials' synthetic values, control sheet, central data,
 * results spreadsheet, triggers on); the loop syncs, scores and publishes; the ranking is read back from the results
 * spreadsheet through Google's client. Then Zhengzhou's official revises an indicator as a person, the trigger
 * carries it, and the demo reports the change and the seconds from the edit to the published result.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEMO_YEARS, loadDefaultEvaluation } from '../local/default-evaluation';
import { type LocalRuntime, PRODUCTION_EVALUATE_DELAY_MS, startLocalRuntime } from '../local/runtime';
import { demoZones, methodologyFor, provisionYear, type SeededYear, signalYear } from '../local/runtime-seed';
import { officialOf } from '../local/seed';
import { SERVICE_ACCOUNT } from '../local/stack';
import { DEFAULT_PACE } from '../sheets';
import { intOption, parseOptions } from './args';
import { UsageError } from './errors';
import { renderTable } from './text';

const HELP = `usage: zone-eval demo [--data-dir DIR] [--zones N] [--quota off|default] [--seed N] [--top N]
                      [--evaluate-delay-ms N]

Runs the whole loop embedded (emulated Google Sheets and Drive, embedded DynamoDB, in-process queues, the real
handlers): seeds two evaluation years, waits until every result is published, prints the ranking read back from
the results spreadsheet, then replays an official's edit through the trigger path.

options:
  --data-dir DIR        keep the spreadsheets and the table in DIR (then: zone-eval emulator --data-dir DIR --port P)
  --zones N             zones per year, 1 to 2000 (default 105; past 105 synthetic zones are added)
  --quota off|default   Google's default per-user quota (60 reads + 60 writes a minute) on the loop's calls (default off)
  --seed N              seed of the synthetic data (default 2025)
  --top N               rows of the ranking to print (default all)
  --evaluate-delay-ms N the evaluate queue's delivery delay, 0 to 60000 (default 5000, production's; tests shorten it)
  -h, --help            this help`;

const OPTIONS = {
  'data-dir': { type: 'string' },
  zones: { type: 'string' },
  quota: { type: 'string' },
  seed: { type: 'string' },
  top: { type: 'string' },
  'evaluate-delay-ms': { type: 'string' },
} as const;

export type DemoOptions = {
  dataDir?: string;
  zones: number;
  quota: 'off' | 'default';
  seed: number;
  top?: number;
  evaluateDelayMs: number;
};

/** Reads and checks the options; throws a UsageError naming the bad one (and the closest known option). */
export function parseDemoArgs(argv: string[]): DemoOptions | 'help' {
  const args = parseOptions(argv, OPTIONS);
  if (args.help) return 'help';
  const v = args.values;
  const quota = v.quota ?? 'off';
  if (quota !== 'off' && quota !== 'default')
    throw new UsageError(`option --quota must be 'off' or 'default', got '${quota}'`);
  const top = intOption(v.top, 'top', { min: 1, max: 100_000 });
  return {
    ...(v['data-dir'] && { dataDir: resolve(v['data-dir']) }),
    zones: intOption(v.zones, 'zones', { min: 1, max: 2000 }) ?? 105,
    quota,
    seed: intOption(v.seed, 'seed', { min: 0, max: 4_294_967_295 }) ?? 2025,
    ...(top !== undefined && { top }),
    evaluateDelayMs:
      intOption(v['evaluate-delay-ms'], 'evaluate-delay-ms', { min: 0, max: 60_000 }) ??
      PRODUCTION_EVALUATE_DELAY_MS,
  };
}

/** Progress on one line when stderr is a terminal, else a line at each quarter. */
function progress(label: string) {
  let shown = -1;
  return (done: number, total: number) => {
    if (process.stderr.isTTY) {
      process.stderr.write(`\r${label}: ${done}/${total} spreadsheets${done === total ? '\n' : ''}`);
      return;
    }
    const quarter = Math.floor((4 * done) / total);
    if (quarter !== shown) {
      shown = quarter;
      console.log(`${label}: ${done}/${total} spreadsheets`);
    }
  };
}

type RankingRow = {
  rank: number | null;
  zone: string;
  zh: string;
  province: string;
  score: number | null;
  grade: string | null;
  change: number | null;
  gradeChange: string | null;
};

/** The Ranking tab read back through Google's client, by header. */
async function readRanking(runtime: LocalRuntime, resultsId: string): Promise<RankingRow[]> {
  const res = await runtime.stack.google.sheets.spreadsheets.values.get({
    spreadsheetId: resultsId,
    range: 'Ranking',
    valueRenderOption: 'UNFORMATTED_VALUE',
  });
  const [head = [], ...rows] = res.data.values ?? [];
  const col = (name: string) => {
    const k = head.findIndex((h) => String(h).startsWith(name));
    if (k < 0) throw new Error(`the results spreadsheet's Ranking tab has no '${name}' column`);
    return k;
  };
  const [rank, zone, zh, province, score, grade, change, gradeChange] = [
    'Rank 排名',
    'Zone',
    '试验区',
    'Province',
    'Score',
    'Grade 等级',
    'Rank change',
    'Grade change',
  ].map(col) as [number, number, number, number, number, number, number, number];
  const num = (x: unknown) => (typeof x === 'number' ? x : null);
  const str = (x: unknown) => (x === undefined || x === null || x === '' ? null : String(x));
  return rows.map((r) => ({
    rank: num(r[rank]),
    zone: String(r[zone] ?? ''),
    zh: String(r[zh] ?? ''),
    province: String(r[province] ?? ''),
    score: num(r[score]),
    grade: str(r[grade]),
    change: num(r[change]),
    gradeChange: str(r[gradeChange]),
  }));
}

/**
 * Waits until the evaluation's published run moves past `after`; returns when it did. The store is read when the
 * evaluate handler finished a batch (its counters move) and every half second besides: reading it every few
 * milliseconds cost CPU that the run being waited for needed.
 */
async function publishedAfter(runtime: LocalRuntime, evaluationId: string, after: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  const batches = () => runtime.counters.get('evaluate.processed');
  let seen = -1;
  let readAt = 0;
  for (;;) {
    if (batches() !== seen || Date.now() - readAt >= 500) {
      seen = batches();
      readAt = Date.now();
      const state = await runtime.stack.store.getEvaluationState(evaluationId);
      if ((state?.publishedRun ?? 0) > after) return { at: Date.now(), run: state!.publishedRun! };
    }
    if (Date.now() > deadline)
      throw new Error(`no run of ${evaluationId} was published within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function run(argv: string[]): Promise<number> {
  const opts = parseDemoArgs(argv);
  if (opts === 'help') {
    console.log(HELP);
    return 0;
  }
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const ev = loadDefaultEvaluation(opts.seed);
  const { zones, demo } = demoZones(ev, opts.zones, opts.seed);
  const labels = new Map(ev.methodology.spec.grade.grades.map((g) => [g.code, g.label ?? g.code]));
  const [prevYear, year] = DEMO_YEARS;
  const ids = { [prevYear]: `pilot-${prevYear}`, [year]: `pilot-${year}` } as Record<number, string>;

  if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
  const resumed = opts.dataDir !== undefined && existsSync(join(opts.dataDir, 'dynamo'));
  const runtime = await startLocalRuntime({
    // Under `--quota default` Google's default quota holds from the first call to the last: provisioning, the loop,
    // the ranking read back and the official's edit.
    emulator: { quota: opts.quota, ...(opts.dataDir && { dataDir: opts.dataDir }) },
    ...(opts.dataDir && { dynamoPath: join(opts.dataDir, 'dynamo') }),
    evaluateDelayMs: opts.evaluateDelayMs,
    // Locally, with the quota off, more sheets are read at once than the Lambda's 3 (sized to Google's quota).
    syncConcurrency: opts.quota === 'off' ? 12 : 3,
    calls: opts.quota === 'off' ? { pace: false } : { pace: DEFAULT_PACE },
  });
  try {
    console.log(`zone-eval demo: the whole loop, embedded (${ev.demo.notice}).`);
    console.log(
      `service account: ${SERVICE_ACCOUNT}; webhook (the triggers' Function URL): ${runtime.webhookUrl}`,
    );
    if (opts.quota === 'default')
      console.log("quota: Google's default per-user quota (60 reads + 60 writes a minute) on throughout");
    const seeded = new Map<number, SeededYear>();
    let loopRequests = 0;
    // The loop's Sheets requests are those on a year's own spreadsheets after its provisioning: the next year's
    // provisioning, running meanwhile, touches only its own files.
    const requestsOn = (y: SeededYear) =>
      [y.controlId, y.resultsId, ...(y.centralId ? [y.centralId] : []), ...y.sheets.values()].reduce(
        (n, id) =>
          n +
          runtime.stack.emulator.requestCount({
            route: 'sheets.*',
            caller: SERVICE_ACCOUNT,
            spreadsheetId: id,
          }),
        0,
      );
    const provision = async (y: number) => {
      const e = ids[y]!;
      const state = resumed ? await runtime.stack.store.getEvaluationState(e) : null;
      if (state?.publishedRun) {
        console.log(`${e}: kept from ${opts.dataDir} (run ${state.publishedRun} published)`);
        return null;
      }
      const s = await provisionYear(runtime, {
        evaluationId: e,
        year: y,
        zones,
        methodology: methodologyFor(
          ev,
          zones.length,
          y === year ? { previousEvaluation: ids[prevYear]! } : {},
        ),
        typed: (z, code) => demo.values[y]?.[z]?.[code]?.typed ?? null,
        onProgress: progress(`seeding ${e}`),
      });
      seeded.set(y, s);
      return { s, requests: requestsOn(s) };
    };
    /** Signals a provisioned year; resolves (never rejects) with when its loop went quiet, or its failure. */
    const loopOf = (p: { s: SeededYear; requests: number }) => {
      const started = performance.now();
      return signalYear(runtime, p.s)
        .then(() => runtime.untilQuiet({ timeoutMs: 30 * 60_000 }))
        .then(
          () => {
            loopRequests += requestsOn(p.s) - p.requests;
            return { seconds: (performance.now() - started) / 1000 };
          },
          (error: unknown) => ({ error }),
        );
    };
    const done = (e: string, r: { seconds: number } | { error: unknown }) => {
      if ('error' in r) throw r.error;
      console.log(`${e}: ${zones.length} zones synced, scored and published in ${r.seconds.toFixed(1)} s`);
    };
    // The previous year's loop runs while this year's spreadsheets are made; this year is signalled only once the
    // previous one is published, since the previous year's published run enters this year's input hash.
    const first = await provision(prevYear);
    const firstRun = first ? loopOf(first) : null;
    const second = await provision(year);
    if (firstRun) done(ids[prevYear]!, await firstRun);
    if (second) done(ids[year]!, await loopOf(second));

    const E = ids[year]!;
    const resultsId = await runtime.stack.store.getResultsSpreadsheet(E);
    if (!resultsId) throw new Error(`${E} has no results spreadsheet`);
    const state = (await runtime.stack.store.getEvaluationState(E))!;
    const runRecord = state.publishedRun ? await runtime.stack.store.getRun(E, state.publishedRun) : null;
    const ranking = await readRanking(runtime, resultsId);

    console.log(`\nRanking ${year}, read back from the results spreadsheet ${resultsId}:\n`);
    const head = ['rank', 'zone', '', 'province', 'score', 'grade', 'change'];
    const rows = ranking
      .slice(0, opts.top ?? ranking.length)
      .map((r) => [
        String(r.rank ?? ''),
        r.zone,
        r.zh,
        r.province,
        r.score === null ? '' : r.score.toFixed(2),
        r.grade === null ? '' : `${r.grade} ${labels.get(r.grade) ?? ''}`,
        r.change === null ? 'new' : r.change === 0 ? '=' : `${r.change > 0 ? '+' : '-'}${Math.abs(r.change)}`,
      ]);
    const right = new Set([0, 4, 6]);
    console.log(renderTable(head, rows, (k) => right.has(k)));
    const counts = new Map<string, number>();
    for (const r of ranking) if (r.grade) counts.set(r.grade, (counts.get(r.grade) ?? 0) + 1);
    console.log(
      `\ngrades: ${ev.methodology.spec.grade.grades.map((g) => `${g.label ?? g.code} ${counts.get(g.code) ?? 0}`).join(', ')}`,
    );
    console.log(
      `run: ${E} #${state.publishedRun}${runRecord ? `, input hash ${runRecord.inputHash.slice(0, 12)}, ${runRecord.methodologyVersion.slice(0, 12)} / ${runRecord.engineVersion}` : ''}`,
    );
    console.log(
      `Sheets requests of the loop (reads, Feedback, results; provisioning aside): ${loopRequests}`,
    );

    // An official's edit as a person: Zhengzhou revises the indicator where it stands lowest among the zones,
    // bringing it to the ninth decile, so the edit visibly moves its score. With fewer zones than Zhengzhou's place
    // in the list, the first zone's official edits instead, and the demo says so.
    const zz = zones.find((z) => z.zoneId === 'zhengzhou');
    const editor = zz ?? zones[0]!;
    const name = editor.nameEn;
    if (!zz)
      console.log(
        `\nZhengzhou is not among the ${zones.length} zones of this run (it is zone ${ev.zones.findIndex((z) => z.zoneId === 'zhengzhou') + 1} of the list; --zones ${ev.zones.findIndex((z) => z.zoneId === 'zhengzhou') + 1} or more includes it): the edit step revises ${name} instead.`,
      );
    const { code, target } = revision(ev, demo.values[year] ?? {}, editor.zoneId);
    const form = seeded.get(year)?.sheets.get(editor.zoneId) ?? (await zoneSheet(runtime, E, editor.zoneId));
    if (!form)
      console.log(
        `\nthe edit step cannot run: ${E}'s methodology in force names no form for ${name} (${editor.zoneId})`,
      );
    else {
      const rowsA = await runtime.stack.clientsAs(officialOf(editor.zoneId)).sheets.spreadsheets.values.get({
        spreadsheetId: form,
        range: 'Form!A1:D200',
      });
      const k = (rowsA.data.values ?? []).findIndex((r) => r[0] === code);
      const old = String(rowsA.data.values?.[k]?.[3] ?? '');
      // A resumed demo finds the last run's revision already there: it puts the synthetic value back instead, so
      // the edit still changes a value and is published.
      const again = old === String(target);
      const typed = again ? String(demo.values[year]?.[editor.zoneId]?.[code]?.typed ?? '') : String(target);
      const before = ranking.find((r) => r.zone === name);
      const published = state.publishedRun ?? 0;
      console.log(
        `\n${officialOf(editor.zoneId)} ${again ? 'reverts' : 'revises'} ${code} (${ev.methodology.indicators.find((i) => i.code === code)?.nameEn}) in ${name}'s form: ${old} -> ${typed}`,
      );
      const tEdit = Date.now();
      const edit = await runtime.stack.emulator.editAsPerson(
        form,
        officialOf(editor.zoneId),
        `Form!D${k + 1}`,
        [[typed]],
      );
      console.log(
        `the trigger posted the signal: HTTP ${edit.signal?.status ?? edit.signal?.error ?? 'none'}`,
      );
      const done = await publishedAfter(runtime, E, published, 5 * 60_000);
      await runtime.untilQuiet({ timeoutMs: 5 * 60_000 });
      const after = (await readRanking(runtime, resultsId)).find((r) => r.zone === name);
      const show = (r: RankingRow | undefined) =>
        r
          ? `score ${r.score?.toFixed(2)}, rank ${r.rank}, grade ${r.grade} ${labels.get(r.grade ?? '') ?? ''}`
          : 'not ranked';
      console.log(`${name} before: ${show(before)}`);
      console.log(`${name} after:  ${show(after)}`);
      console.log(`edit to published result: ${((done.at - tEdit) / 1000).toFixed(1)} s (run #${done.run})`);
    }
    if (opts.quota === 'default') {
      // What a person could see of the quota: a 429 answered to their own request, or a Feedback or result held
      // back by a sync or evaluate record that failed after its retries. The service's own 429s are retried.
      // The service's 429s as its callers counted them (all of them); people's from the emulator's recent log, which
      // holds their only requests (the official's read at the edit step, near the end).
      const service = runtime.counters.get('sheets.429', 'zone-eval-local');
      const toPeople = runtime.stack.emulator
        .requests()
        .filter((r) => r.status === 429 && r.caller !== SERVICE_ACCOUNT).length;
      const failed =
        runtime.counters.get('sync.failed', 'zone-eval-sync') +
        runtime.counters.get('evaluate.failed', 'zone-eval-evaluate');
      const q = runtime.stack.emulator.quotaInForce();
      const inForce =
        q === 'off' ? 'off' : `${q.reads} reads + ${q.writes} writes per ${q.windowMs / 1000} s`;
      console.log(
        `\nquota in force at the end: ${inForce}; 429 answers to people ${toPeople}, records failed ${failed}; to the service account ${service} (retried)`,
      );
    }

    console.log(`\nresults spreadsheet: ${resultsId} (service account ${SERVICE_ACCOUNT})`);
    if (opts.dataDir)
      console.log(
        `open it afterwards: zone-eval emulator --data-dir ${opts.dataDir} --port 8085, then Google's client with rootUrl http://127.0.0.1:8085/ and the bearer token ${SERVICE_ACCOUNT}`,
      );
    // CPU time besides wall time: on a shared machine the wall time says as much about the other processes.
    const cpu = process.cpuUsage(cpu0);
    console.log(
      `demo finished in ${((performance.now() - t0) / 1000).toFixed(1)} s (CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s)`,
    );
    return 0;
  } finally {
    await runtime.close();
  }
}

/** A zone's form spreadsheet from the methodology in force (a resumed demo did not seed it this time). */
async function zoneSheet(runtime: LocalRuntime, evaluationId: string, zoneId: string) {
  const state = await runtime.stack.store.getEvaluationState(evaluationId);
  if (!state?.methodologyVersion) return undefined;
  const record = await runtime.stack.store.getMethodology(evaluationId, state.methodologyVersion);
  return record?.zones.find((z) => z.zoneId === zoneId)?.spreadsheetId;
}

/** The zone indicator (more is better) where the zone ranks lowest, and its ninth-decile value among the zones. */
function revision(
  ev: ReturnType<typeof loadDefaultEvaluation>,
  values: Record<string, Record<string, { value: number | null }>>,
  zoneId: string,
): { code: string; target: number } {
  let best = { code: 'T16', share: 2, target: 0 };
  for (const ind of ev.methodology.indicators) {
    if (ind.source !== 'zone' || ind.direction !== 1 || ind.unit === 'yes/no') continue;
    const own = values[zoneId]?.[ind.code]?.value;
    const all = Object.values(values)
      .map((z) => z[ind.code]?.value)
      .filter((x): x is number => typeof x === 'number')
      .sort((a, b) => a - b);
    if (typeof own !== 'number' || all.length < 10) continue;
    const share = all.filter((x) => x < own).length / all.length;
    const target = all[Math.floor(all.length * 0.9)]!;
    if (share < best.share && target > own)
      best = { code: ind.code, share, target: Number(target.toFixed(2)) };
  }
  return { code: best.code, target: best.target };
}

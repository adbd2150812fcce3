/**
 * The security suite (ISSUE 12, section 3), on the local runtime with the real webhook handler behind its local
 * Function URL, the emulator and dynalite:
 *
 * - forged and malformed signals of many kinds, each refused with its status, and each leaving no write in the
 *   store, no message on a queue and no Sheets request behind it;
 * - a replay of a genuine signal of a zone's form, of the control sheet and of the central-data sheet inside the
 *   replay window, accepted by design (202) and costing no Sheets read and no run;
 * - a zone's official trying to change another zone's data by every path a person has: the other zone's form
 *   (API and Sheets UI), the control, central-data and results spreadsheets, Drive (sharing, renaming, trashing,
 *   moving or deleting those files), and their own form claiming the other zone's id. The other zone's stored
 *   values, history and published results, and every file's name, place and sharing, must not move.
 *
 * Least privilege of the synthesised IAM policies and the secret scan of templates and bundles are infrastructure
 * tests (test/infra/service-stack.test.ts, test/infra/secret-scan.test.ts); they are not repeated here.
 */
import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import { scanText } from '../infra/secret-scan';
import type { SignalRecord } from '../local/emulator/trigger';
import type { LocalRuntime } from '../local/runtime';
import type { SeededYear } from '../local/runtime-seed';
import { DRIVE_ADMIN, officialOf } from '../local/seed';
import { SERVICE_ACCOUNT } from '../local/stack';
import {
  DEFAULT_WINDOW_SECONDS,
  deriveSheetKey,
  MAX_SIGNAL_BODY_BYTES,
  SIGNATURE_HEADER,
  signalBody,
  signalHeaders,
  signSignal,
  TIMESTAMP_HEADER,
} from '../protocol/signature';
import { columnLetters } from '../sheets/a1';
import {
  captureHandlerLogs,
  countStoreWrites,
  evaluation,
  publishedDoc,
  seedZones,
  startSuiteRuntime,
  valueCell,
  ZONE_ID_CELL,
} from './harness';
import type { ReliabilitySuite, SuiteReport } from './types';

const E = 'security-2025';
/** Zones seeded: enough for two zones and their neighbours; the checks do not depend on the count. */
const ZONES = 6;
/** The indicator the suite edits (a zone-reported one). */
const CODE = 'T03';

type Request = { method?: string; headers: Record<string, string>; body?: string | Buffer };

/**
 * One forged signal: how it is sent, the status the webhook must answer, and the refusal it must log
 * (`signal.<reason>`; null where the request never reaches the signal check: a GET, a body past the URL's limit).
 */
type Forgery = { name: string; expect: number; reason: string | null; request: () => Request };

/** What a refusal must leave unchanged, read before and after it. */
type Trace = { writes: number; syncSent: number; evaluateSent: number; sheets: number; refused: number };

export const securitySuite: ReliabilitySuite = {
  name: 'security',
  async run({ progress }) {
    const ev = evaluation();
    // Every handler logs at DEBUG, and every line is kept: each refusal must be logged with its reason, and no line
    // may hold a secret.
    const logs = captureHandlerLogs();
    let runtime: LocalRuntime;
    try {
      runtime = await startSuiteRuntime({ logLevel: 'DEBUG' });
    } catch (error) {
      logs.restore();
      throw error;
    }
    const writes = countStoreWrites(runtime.stack.dynamo.raw);
    try {
      const year = await seedZones(runtime, ev, E, ZONES);
      progress(`seeded ${ZONES} zones and published their results`);
      const report: SuiteReport = { figures: {}, failures: [] };
      const forgeries = await forgeryCases(runtime, year, ev, writes, logs.lines, progress);
      report.failures.push(...forgeries.failures);
      const replays = await replayCases(runtime, year, ev, writes, progress);
      report.failures.push(...replays.failures);
      report.failures.push(...(await crossZoneCases(runtime, year, ev, progress)));
      report.failures.push(...secretsInLogs(runtime, year, logs.lines, progress));
      report.figures = {
        forgeries_tried: forgeries.tried + replays.tried,
        forgeries_refused: forgeries.refused + replays.refused,
      };
      return report;
    } finally {
      writes.remove();
      await runtime.close();
      logs.restore();
    }
  },
};

const LogLine = z.object({ message: z.string() });

/** The event (`message`) of each Powertools log line. */
const events = (lines: readonly string[]) =>
  lines.map((l) => {
    try {
      return LogLine.safeParse(JSON.parse(l)).data?.message ?? '';
    } catch {
      return '';
    }
  });

/**
 * No handler log line holds the master secret, a spreadsheet's key, or anything with the shape of a credential
 * (the patterns of the template scan, `scanText` of lib/infra/secret-scan.ts).
 */
function secretsInLogs(
  runtime: LocalRuntime,
  year: SeededYear,
  lines: readonly string[],
  progress: (line: string) => void,
): string[] {
  const ids = [
    ...year.sheets.values(),
    year.controlId,
    year.resultsId,
    ...(year.centralId ? [year.centralId] : []),
  ];
  const secrets = [
    { what: 'the master secret', value: runtime.triggerSecret },
    ...ids.map((id) => ({ what: `the key of ${id}`, value: deriveSheetKey(runtime.triggerSecret, id) })),
  ];
  const text = lines.join('\n');
  const failures: string[] = [];
  // Each refusal and each sync logs a line: fewer than 50 would mean the capture missed the handlers' output.
  if (lines.length < 50)
    failures.push(`only ${lines.length} handler log lines were captured: the scan saw too little`);
  for (const s of secrets) if (text.includes(s.value)) failures.push(`the handlers' logs hold ${s.what}`);
  for (const f of scanText(text, 'handler logs'))
    failures.push(`the handlers' logs hold ${f.what} (${f.where})`);
  progress(
    `${lines.length} handler log lines (DEBUG) scanned: ${failures.length ? failures.length : 'no'} secret found`,
  );
  return failures;
}

async function send(runtime: LocalRuntime, r: Request): Promise<number> {
  const method = r.method ?? 'POST';
  const res = await fetch(runtime.webhookUrl, {
    method,
    headers: r.headers,
    ...(method === 'POST' && r.body !== undefined && { body: r.body }),
  });
  await res.arrayBuffer();
  return res.status;
}

function traceOf(runtime: LocalRuntime, writes: { count: number }): Trace {
  return {
    writes: writes.count,
    syncSent: runtime.queues.queues.sync.stats.sent,
    evaluateSent: runtime.queues.queues.evaluate.stats.sent,
    sheets: runtime.stack.emulator.requestCount({ route: 'sheets.*', caller: SERVICE_ACCOUNT }),
    refused: runtime.counters.get('signal.refused'),
  };
}

/** Sentences for what moved between two traces that must not have (the refusal counter aside). */
function moved(before: Trace, after: Trace): string[] {
  const out: string[] = [];
  if (after.writes !== before.writes) out.push(`${after.writes - before.writes} store write(s)`);
  if (after.syncSent !== before.syncSent) out.push(`${after.syncSent - before.syncSent} sync message(s)`);
  if (after.evaluateSent !== before.evaluateSent)
    out.push(`${after.evaluateSent - before.evaluateSent} evaluate message(s)`);
  if (after.sheets !== before.sheets) out.push(`${after.sheets - before.sheets} Sheets request(s)`);
  return out;
}

const now = () => Math.floor(Date.now() / 1000);

/** Every forgery kind, built against the seeded sheets and the runtime's master secret. */
function forgeries(runtime: LocalRuntime, year: SeededYear, ev: ReturnType<typeof evaluation>): Forgery[] {
  const zoneA = ev.zones[0]!.zoneId;
  const zoneB = ev.zones[1]!.zoneId;
  const a = year.sheets.get(zoneA)!;
  const b = year.sheets.get(zoneB)!;
  const master = runtime.triggerSecret;
  const keyOf = (id: string, secret = master) => deriveSheetKey(secret, id);
  /** A correctly signed request for `body` under `key`, at `ts`. */
  const signed = (body: string, key: string, ts = now()): Request => ({
    headers: signalHeaders(key, ts, body),
    body,
  });
  const bodyA = signalBody(a, officialOf(zoneA));
  const unknown = `forged${randomBytes(8).toString('hex')}`;
  return [
    {
      name: 'no signature headers',
      expect: 400,
      reason: 'missing-headers',
      request: () => ({ headers: {}, body: bodyA }),
    },
    {
      name: 'a timestamp but no signature',
      expect: 400,
      reason: 'missing-headers',
      request: () => ({ headers: { [TIMESTAMP_HEADER]: String(now()) }, body: bodyA }),
    },
    {
      name: 'a signature that is not v1=<64 hex digits>',
      expect: 400,
      reason: 'malformed-headers',
      request: () => ({
        headers: { [TIMESTAMP_HEADER]: String(now()), [SIGNATURE_HEADER]: `v0=${'ab'.repeat(32)}` },
        body: bodyA,
      }),
    },
    {
      name: 'a timestamp that is not unix seconds',
      expect: 400,
      reason: 'malformed-headers',
      request: () => ({
        headers: {
          [TIMESTAMP_HEADER]: new Date().toISOString(),
          [SIGNATURE_HEADER]: signSignal(keyOf(a), new Date().toISOString(), bodyA),
        },
        body: bodyA,
      }),
    },
    {
      name: 'a wrong signature (random hex)',
      expect: 401,
      reason: 'bad-signature',
      request: () => ({
        headers: {
          [TIMESTAMP_HEADER]: String(now()),
          [SIGNATURE_HEADER]: `v1=${randomBytes(32).toString('hex')}`,
        },
        body: bodyA,
      }),
    },
    {
      name: `a stale timestamp (${DEFAULT_WINDOW_SECONDS + 60} s old), correctly signed`,
      expect: 401,
      reason: 'stale',
      request: () => signed(bodyA, keyOf(a), now() - DEFAULT_WINDOW_SECONDS - 60),
    },
    {
      name: `a future timestamp (${DEFAULT_WINDOW_SECONDS + 60} s ahead), correctly signed`,
      expect: 401,
      reason: 'stale',
      request: () => signed(bodyA, keyOf(a), now() + DEFAULT_WINDOW_SECONDS + 60),
    },
    {
      name: "a tampered body (signed for zone A's sheet, sent naming zone B's)",
      expect: 401,
      reason: 'bad-signature',
      request: () => {
        const r = signed(bodyA, keyOf(a));
        return { ...r, body: signalBody(b, officialOf(zoneA)) };
      },
    },
    {
      name: 'a tampered editor (the signed body with another editor)',
      expect: 401,
      reason: 'bad-signature',
      request: () => {
        const r = signed(bodyA, keyOf(a));
        return { ...r, body: signalBody(a, officialOf(zoneB)) };
      },
    },
    {
      name: "zone B's sheet signed with zone A's key (another spreadsheet's key)",
      expect: 401,
      reason: 'bad-signature',
      request: () => signed(signalBody(b, officialOf(zoneA)), keyOf(a)),
    },
    {
      name: "another deployment's master secret",
      expect: 401,
      reason: 'bad-signature',
      request: () => signed(bodyA, keyOf(a, randomBytes(32).toString('hex'))),
    },
    {
      name: 'the master secret itself used as the key',
      expect: 401,
      reason: 'bad-signature',
      request: () => signed(bodyA, master),
    },
    {
      name: `an oversized body (${MAX_SIGNAL_BODY_BYTES + 1} bytes), correctly signed`,
      expect: 413,
      reason: 'too-large',
      request: () => {
        const body = JSON.stringify({ spreadsheetId: a, editor: 'x'.repeat(MAX_SIGNAL_BODY_BYTES) });
        return signed(body, keyOf(a));
      },
    },
    {
      name: 'a body past the Function URL limit (2 MB)',
      expect: 413,
      reason: null,
      request: () => ({
        headers: { [TIMESTAMP_HEADER]: String(now()), [SIGNATURE_HEADER]: `v1=${'0'.repeat(64)}` },
        body: 'x'.repeat(2 * 1024 * 1024),
      }),
    },
    {
      name: 'malformed JSON, correctly signed',
      expect: 400,
      reason: 'bad-body',
      request: () => signed(`{"spreadsheetId": "${a}"`, keyOf(a)),
    },
    {
      name: 'a body with a key the trigger never sends, correctly signed',
      expect: 400,
      reason: 'bad-body',
      request: () => signed(JSON.stringify({ spreadsheetId: a, evaluationId: 'other' }), keyOf(a)),
    },
    {
      name: "a spreadsheet id holding the store's key separator, correctly signed",
      expect: 400,
      reason: 'bad-body',
      request: () => {
        const id = `${a}#EVAL`;
        return signed(JSON.stringify({ spreadsheetId: id }), keyOf(id));
      },
    },
    {
      name: 'a body that is not UTF-8 text',
      expect: 400,
      reason: 'bad-body',
      request: () => ({
        headers: { [TIMESTAMP_HEADER]: String(now()), [SIGNATURE_HEADER]: `v1=${'0'.repeat(64)}` },
        body: Buffer.from([0xff, 0xfe, 0x00, 0x7b]),
      }),
    },
    {
      name: 'an unknown spreadsheet, correctly signed',
      expect: 404,
      reason: 'unknown-spreadsheet',
      request: () => signed(signalBody(unknown), keyOf(unknown)),
    },
    {
      name: 'the results spreadsheet, correctly signed',
      expect: 422,
      reason: 'not-an-input',
      request: () => signed(signalBody(year.resultsId), keyOf(year.resultsId)),
    },
    {
      name: 'a GET with valid signature headers',
      expect: 405,
      reason: null,
      request: () => ({ method: 'GET', headers: signed(bodyA, keyOf(a)).headers }),
    },
  ];
}

async function forgeryCases(
  runtime: LocalRuntime,
  year: SeededYear,
  ev: ReturnType<typeof evaluation>,
  writes: { count: number },
  logLines: readonly string[],
  progress: (line: string) => void,
) {
  const failures: string[] = [];
  const cases = forgeries(runtime, year, ev);
  let refused = 0;
  for (const c of cases) {
    const before = traceOf(runtime, writes);
    const from = logLines.length;
    const status = await send(runtime, c.request());
    await runtime.untilQuiet();
    const after = traceOf(runtime, writes);
    const wrong: string[] = moved(before, after);
    const logged = events(logLines.slice(from)).filter((e) => e.startsWith('signal.'));
    if (c.reason !== null && !logged.includes(`signal.${c.reason}`))
      wrong.push(`logged ${logged.join(', ') || 'no signal event'}, not signal.${c.reason}`);
    if (status !== c.expect) wrong.unshift(`answered ${status}, not ${c.expect}`);
    // 413 past the Function URL's limit never reaches the handler, so only the handler's refusals are counted.
    const counted = after.refused - before.refused;
    const reachesHandler = !(c.expect === 413 && c.name.includes('Function URL'));
    if (reachesHandler && counted !== 1) wrong.push(`the handler counted ${counted} refusals, not 1`);
    if (wrong.length === 0) refused++;
    else failures.push(`forgery “${c.name}”: ${wrong.join('; ')}`);
  }
  progress(`${refused} of ${cases.length} forged or malformed signals refused, leaving no trace`);
  return { tried: cases.length, refused, failures };
}

/** One genuine edit whose trigger signal is then replayed: the sheet, who edits, and what the edit must have done. */
type ReplayTarget = {
  /** What the sheet is, in sentences: `a zone form`, `the control sheet`, `the central-data sheet`. */
  name: string;
  spreadsheetId: string;
  editor: string;
  /** Makes the edit as the person, through the emulator's UI path (it fires the trigger); returns its signal. */
  edit: () => Promise<{ signal?: SignalRecord }>;
  /** After the loop went quiet: why the edit did not take effect, or null. */
  took: () => Promise<string | null>;
  /** Puts the sheet back after the replay, if the edit left something the later cases must not see. */
  restore?: () => Promise<void>;
};

/**
 * A genuine signal replayed inside the window, ten times at once, for a zone's form, the control sheet and the
 * central-data sheet: answered 202 (a replay cannot be told from a retried UrlFetch, nor from a second edit in the
 * same second by the same person), counted and queued, and it must cost no Sheets read and no run: each sync finds
 * the file's Drive version, and for the control and central sheets the stored state their outcome depends on,
 * where the genuine edit's read left them. Each sheet's replay counts as one forgery tried, refused when it cost
 * nothing (the rule of `forgeries_refused`).
 */
async function replayCases(
  runtime: LocalRuntime,
  year: SeededYear,
  ev: ReturnType<typeof evaluation>,
  writes: { count: number },
  progress: (line: string) => void,
): Promise<{ tried: number; refused: number; failures: string[] }> {
  const targets = [zoneReplay(runtime, year, ev), await controlReplay(runtime, year)];
  const central = await centralReplay(runtime, year, ev);
  if (central) targets.push(central);
  const failures: string[] = [];
  let refused = 0;
  for (const t of targets) {
    const wrong = await replayCase(runtime, writes, t);
    if (wrong.length === 0) refused++;
    failures.push(...wrong.map((w) => `replay of ${t.name}'s signal: ${w}`));
    progress(
      wrong.length === 0
        ? `a genuine signal of ${t.name} replayed 10 times inside the window: accepted, no Sheets read, no run`
        : `a genuine signal of ${t.name} replayed inside the window: ${wrong.join('; ')}`,
    );
  }
  if (!central) failures.push('replay: the seeded year has no central-data sheet to replay a signal of');
  return { tried: targets.length, refused, failures };
}

/** Sentences for what went wrong with one replayed signal (none when it was accepted and cost nothing). */
async function replayCase(
  runtime: LocalRuntime,
  writes: { count: number },
  t: ReplayTarget,
): Promise<string[]> {
  const res = await t.edit();
  if (res.signal?.status !== 202)
    return [`the genuine edit's signal was answered ${res.signal?.status}, not 202`];
  // The trigger's exact request, rebuilt: the same body, timestamp and key give the same bytes.
  const body = signalBody(t.spreadsheetId, t.editor);
  const ts = Math.floor(res.signal.at / 1000);
  const headers = signalHeaders(deriveSheetKey(runtime.triggerSecret, t.spreadsheetId), ts, body);
  await runtime.untilQuiet();
  const failures: string[] = [];
  const took = await t.took();
  if (took !== null) failures.push(`the genuine edit ${took}`);
  const before = traceOf(runtime, writes);
  const statuses = await Promise.all(Array.from({ length: 10 }, () => send(runtime, { headers, body })));
  await runtime.untilQuiet();
  const after = traceOf(runtime, writes);
  // Counting the signal and asking for a sync are what accepting means; reading the sheet or scoring again is not.
  const off = statuses.filter((st) => st !== 202);
  if (off.length) failures.push(`answered ${off.join(', ')}, not 202`);
  if (after.sheets !== before.sheets) failures.push(`${after.sheets - before.sheets} Sheets request(s)`);
  if (after.evaluateSent !== before.evaluateSent)
    failures.push(`${after.evaluateSent - before.evaluateSent} evaluate message(s)`);
  if (after.syncSent === before.syncSent) failures.push('no sync message: the replays were not accepted');
  const refusals = after.refused - before.refused;
  if (refusals) failures.push(`${refusals} counted as refused`);
  const state = await runtime.stack.store.getSheetState(E, t.spreadsheetId);
  if (state?.synced !== state?.requested)
    failures.push(`the sheet was left unsynced (requested ${state?.requested}, synced ${state?.synced})`);
  await t.restore?.();
  return failures;
}

/** A zone's official changes a value: the edit stores a revision, so its read also writes the Feedback. */
function zoneReplay(
  runtime: LocalRuntime,
  year: SeededYear,
  ev: ReturnType<typeof evaluation>,
): ReplayTarget {
  const zone = ev.zones[2]!.zoneId;
  const sid = year.sheets.get(zone)!;
  return {
    name: 'a zone form',
    spreadsheetId: sid,
    editor: officialOf(zone),
    // The replay finds the version one step past the read, which the sync must still recognise as its own write.
    edit: () => runtime.stack.emulator.editAsPerson(sid, officialOf(zone), valueCell(ev, CODE), [['4242']]),
    took: async () => {
      const published = (await publishedDoc(runtime, E))?.doc.zones.find((z) => z.zoneId === zone)?.values[
        CODE
      ];
      return published === 4242 ? null : `was not published (found ${published})`;
    },
  };
}

/** The first row's cell under `header` on a tab (row 2, the header on row 1), read as the service account. */
async function cellUnder(runtime: LocalRuntime, spreadsheetId: string, tab: string, header: string) {
  const quoted = `'${tab.replaceAll("'", "''")}'`;
  const res = await runtime.stack.google.sheets.spreadsheets.values.get({
    spreadsheetId,
    range: `${quoted}!1:2`,
  });
  const [head, first] = [res.data.values?.[0] ?? [], res.data.values?.[1] ?? []];
  const col = head.indexOf(header);
  if (col < 0) throw new Error(`no column “${header}” on ${tab} of ${spreadsheetId}`);
  return { a1: `${quoted}!${columnLetters(col)}2`, value: first[col] ?? '', zoneId: first[0] };
}

/**
 * A methodologist renames the first zone on the Zones tab: a new methodology version, stored as a draft, so the
 * read writes the Feedback and the Preview (two versions past the one read), and while the draft stands the
 * Preview's basis holds the zones' stored values too. The name is put back afterwards, which withdraws the draft.
 */
async function controlReplay(runtime: LocalRuntime, year: SeededYear): Promise<ReplayTarget> {
  const sid = year.controlId;
  const cell = await cellUnder(runtime, sid, 'Zones', 'name_en');
  const put = (value: string) => runtime.stack.emulator.editAsPerson(sid, DRIVE_ADMIN, cell.a1, [[value]]);
  const inForce = (await runtime.stack.store.getEvaluationState(E))?.methodologyVersion;
  return {
    name: 'the control sheet',
    spreadsheetId: sid,
    editor: DRIVE_ADMIN,
    edit: () => put(`${cell.value} (renamed)`),
    took: async () => {
      const gov = await runtime.stack.store.getGovernance(E);
      const now = (await runtime.stack.store.getEvaluationState(E))?.methodologyVersion;
      if (now !== inForce) return 'moved the methodology in force, which a draft must not';
      return gov.draft ? null : 'stored no draft';
    },
    restore: async () => {
      await put(String(cell.value));
      await runtime.untilQuiet();
    },
  };
}

/** A central department corrects one value: the read stores the tab's new values and asks for a run. */
async function centralReplay(
  runtime: LocalRuntime,
  year: SeededYear,
  ev: ReturnType<typeof evaluation>,
): Promise<ReplayTarget | null> {
  const sid = year.centralId;
  if (!sid) return null;
  const tab = (await runtime.stack.store.listCentralTabs(E)).find((t) => t.spreadsheetId === sid);
  if (!tab) throw new Error('the seeded central-data sheet stored no tab');
  // An indicator of the tab with no upper bound, so that a value a little above the stored one stays valid.
  const code = ev.methodology.indicators.find(
    (i) => i.source === `central:${tab.tab}` && i.max === undefined,
  )?.code;
  if (!code) throw new Error(`central tab ${tab.tab} has no indicator without an upper bound`);
  const cell = await cellUnder(runtime, sid, tab.tab, code);
  const before = tab.zones[String(cell.zoneId)]?.[code]?.value;
  if (typeof before !== 'number') throw new Error(`central tab ${tab.tab} has no number for ${code}`);
  const next = Math.round(before * 101 + 100) / 100;
  const editor = 'statistics@customs.zone-eval.test';
  runtime.stack.emulator.share(sid, editor, 'writer');
  return {
    name: 'the central-data sheet',
    spreadsheetId: sid,
    editor,
    edit: () => runtime.stack.emulator.editAsPerson(sid, editor, cell.a1, [[next]]),
    took: async () => {
      const stored = (await runtime.stack.store.listCentralTabs(E)).find((t) => t.tab === tab.tab);
      const value = stored?.zones[String(cell.zoneId)]?.[code]?.value;
      return value === next ? null : `was not stored (found ${value}, not ${next})`;
    },
  };
}

/** The status of a Google API error (gaxios puts it on the error), or null when the call succeeded. */
async function refusedWith(call: () => Promise<unknown>): Promise<number | null> {
  try {
    await call();
    return null;
  } catch (err) {
    // gaxios answers with a numeric `status`; the emulator's own ApiError (an edit as a person) with `code`.
    const e = z.object({ status: z.unknown(), code: z.unknown() }).partial().safeParse(err).data;
    if (typeof e?.status === 'number') return e.status;
    return typeof e?.code === 'number' ? e.code : -1;
  }
}

/** Each file's name, parents, trash state and permissions, as the service account sees them, as JSON text. */
async function driveState(runtime: LocalRuntime, ids: readonly string[]) {
  const drive = runtime.stack.google.drive;
  const out = new Map<string, string>();
  for (const fileId of ids) {
    const file = await drive.files.get({ fileId, supportsAllDrives: true, fields: 'name,parents,trashed' });
    const perms = await drive.permissions.list({ fileId, supportsAllDrives: true });
    const sharing = (perms.data.permissions ?? []).map((p) => `${p.emailAddress ?? p.type}:${p.role}`).sort();
    out.set(fileId, JSON.stringify({ ...file.data, sharing }));
  }
  return out;
}

/** What zone B has that zone A must not be able to change: current values, history, published values. */
async function zoneData(runtime: LocalRuntime, zoneId: string) {
  const current = await runtime.stack.store.getCurrent(E, zoneId);
  const revisions = await runtime.stack.store.listRevisions(E, zoneId);
  const published = (await publishedDoc(runtime, E))?.doc.zones.find((z) => z.zoneId === zoneId)?.values;
  return JSON.stringify({
    revSeq: current?.revSeq,
    hash: current?.contentHash,
    revisions: revisions.length,
    published,
  });
}

async function crossZoneCases(
  runtime: LocalRuntime,
  year: SeededYear,
  ev: ReturnType<typeof evaluation>,
  progress: (line: string) => void,
): Promise<string[]> {
  const failures: string[] = [];
  const zoneA = ev.zones[3]!.zoneId;
  const zoneB = ev.zones[4]!.zoneId;
  const a = year.sheets.get(zoneA)!;
  const b = year.sheets.get(zoneB)!;
  const asA = runtime.stack.clientsAs(officialOf(zoneA)).sheets.spreadsheets;
  const cell = valueCell(ev, CODE);
  const update = (spreadsheetId: string, range: string, value: string) => () =>
    asA.values.update({
      spreadsheetId,
      range,
      valueInputOption: 'USER_ENTERED',
      requestBody: { values: [[value]] },
    });
  const bBefore = await zoneData(runtime, zoneB);
  if (year.centralId === null) failures.push('the evaluation has no central-data spreadsheet to try');
  const driveA = runtime.stack.clientsAs(officialOf(zoneA)).drive;
  const files = [b, year.controlId, year.resultsId, ...(year.centralId ? [year.centralId] : [])];
  const filesBefore = await driveState(runtime, files);
  const [parent] = JSON.parse(filesBefore.get(b) ?? '{}').parents ?? [];

  const sheetPaths: { name: string; call: () => Promise<unknown> }[] = [
    { name: "zone B's form through the Sheets API", call: update(b, cell, '1') },
    {
      name: "zone B's form in the Sheets UI",
      call: () => runtime.stack.emulator.editAsPerson(b, officialOf(zoneA), cell, [['1']]),
    },
    {
      name: "the control sheet's Zones tab (to map zone B to zone A's spreadsheet)",
      call: update(year.controlId, 'Zones!F2', a),
    },
    ...(year.centralId
      ? [{ name: "the central-data spreadsheet's rows", call: update(year.centralId, 'A2', zoneB) }]
      : []),
    { name: 'the results spreadsheet', call: update(year.resultsId, 'Ranking!A2', '1') },
  ];
  const all = { supportsAllDrives: true };
  // Drive answers 404 for a file the caller cannot see (it does not confirm the file exists), 403 for one it can
  // see but not change: either is a refusal.
  const drivePaths: { name: string; call: () => Promise<unknown> }[] = [
    {
      name: "zone B's form shared with zone A's official (Drive permissions.create)",
      call: () =>
        driveA.permissions.create({
          ...all,
          fileId: b,
          requestBody: { type: 'user', role: 'writer', emailAddress: officialOf(zoneA) },
        }),
    },
    {
      name: "zone B's form renamed",
      call: () => driveA.files.update({ ...all, fileId: b, requestBody: { name: 'mine now' } }),
    },
    {
      name: "zone B's form trashed",
      call: () => driveA.files.update({ ...all, fileId: b, requestBody: { trashed: true } }),
    },
    {
      name: "zone B's form moved out of the evaluation's folder",
      call: () => driveA.files.update({ ...all, fileId: b, removeParents: parent, addParents: 'root' }),
    },
    { name: "zone B's form deleted", call: () => driveA.files.delete({ ...all, fileId: b }) },
    {
      name: 'the control spreadsheet shared with zone A',
      call: () =>
        driveA.permissions.create({
          ...all,
          fileId: year.controlId,
          requestBody: { type: 'user', role: 'writer', emailAddress: officialOf(zoneA) },
        }),
    },
    {
      name: 'the results spreadsheet trashed',
      call: () => driveA.files.update({ ...all, fileId: year.resultsId, requestBody: { trashed: true } }),
    },
    ...(year.centralId
      ? [
          {
            name: 'the central-data spreadsheet renamed',
            call: () =>
              driveA.files.update({ ...all, fileId: year.centralId!, requestBody: { name: 'mine now' } }),
          },
        ]
      : []),
  ];
  for (const p of sheetPaths) {
    const status = await refusedWith(p.call);
    if (status !== 403)
      failures.push(
        `zone A's official writing ${p.name}: ${status === null ? 'the write succeeded' : `refused with ${status}, not 403`}`,
      );
  }
  for (const p of drivePaths) {
    const status = await refusedWith(p.call);
    if (status !== 403 && status !== 404)
      failures.push(
        `zone A's official changing ${p.name}: ${status === null ? 'the change succeeded' : `refused with ${status}, not 403 or 404`}`,
      );
  }
  const filesAfter = await driveState(runtime, files);
  for (const id of files)
    if (filesAfter.get(id) !== filesBefore.get(id))
      failures.push(`the file ${id}'s name, place, trash state or sharing moved: ${filesAfter.get(id)}`);
  // An API write fires no trigger: the reconcile poll is what would carry one that landed.
  await runtime.reconcileNow();
  await runtime.untilQuiet();
  progress(
    `zone A's official refused on ${sheetPaths.length} Sheets paths (403) and ${drivePaths.length} Drive paths (403 or 404) to another zone's data`,
  );

  // Zone A's own form claiming zone B. `zone-eval provision` protects the zone id cell; the local seed does not,
  // which stands for a protection removed: the official changes it, and the sync must refuse the whole form, leaving
  // both zones' stored values as they were.
  const aBefore = await zoneData(runtime, zoneA);
  await runtime.stack.emulator.editAsPerson(a, officialOf(zoneA), ZONE_ID_CELL, [[zoneB]]);
  await runtime.untilQuiet();
  const claim = await runtime.stack.emulator.editAsPerson(a, officialOf(zoneA), cell, [['777777']]);
  if (claim.signal?.status !== 202)
    failures.push(`the claiming form's signal was answered ${claim.signal?.status}, not 202`);
  await runtime.untilQuiet();
  const feedback = await runtime.stack.google.sheets.spreadsheets.values.get({
    spreadsheetId: a,
    range: 'Feedback',
  });
  const said = (feedback.data.values ?? []).flat().join(' ');
  if (!said.includes(`shows the zone “${zoneB}”`))
    failures.push('a form claiming another zone: its Feedback does not name the mismatch');
  if ((await zoneData(runtime, zoneA)) !== aBefore)
    failures.push("a form claiming another zone: zone A's stored or published values moved");
  if ((await zoneData(runtime, zoneB)) !== bBefore)
    failures.push("zone B's stored values, history or published results moved");
  // Put the form back, so that zone A's next read is accepted again.
  runtime.stack.emulator.writeAs(DRIVE_ADMIN, a, ZONE_ID_CELL, [[zoneA]]);
  await runtime.stack.emulator.editAsPerson(a, officialOf(zoneA), cell, [['777777']]);
  await runtime.untilQuiet();
  const restored = (await publishedDoc(runtime, E))?.doc.zones.find((z) => z.zoneId === zoneA)?.values[CODE];
  if (restored !== 777777)
    failures.push(`zone A's form put back: its value was not published (found ${restored})`);
  progress("a form claiming another zone's id: refused by the sync as a whole, neither zone's values moved");
  return failures;
}

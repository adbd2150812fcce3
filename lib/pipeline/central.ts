/**
 * The central-data sync (DESIGN section 3, issue 9 section 3): a central department's spreadsheet holds one tab
 * per source (`zone_id`, then one column per indicator code); the methodology's `source: central:<tab>` says which
 * tab supplies an indicator. Same counters as a zone sheet: snapshot `requested`, stop if `synced` reached it, read
 * each tab once, store each tab's values as its own item (`EVAL#e` / `CENTRAL#<tab>`, never the zones' `CUR#`
 * items, so neither overwrites the other's read markers), ask for an evaluation, write the sheet's Feedback tab
 * when it changed, and finally mark the sheet synced. The evaluate stage merges the tabs with the zones' values.
 *
 * A refused cell keeps the tab's last accepted value for that zone and indicator, and is listed on the Feedback
 * tab with its cell, the value as typed, why and what is expected. A zone the control sheet does not list is
 * reported, and its row is not stored.
 *
 * After the freeze (Settings `freeze`), as for a zone's form, a tab whose content changed is kept as the tab's
 * `late` content: shown on the Feedback as late, not scored, until the admin accepts it (`acceptLateCentral`,
 * `zone-eval accept-late --central TAB`). A tab brought back to the values that count withdraws it.
 */
import { contentHash } from '../protocol/hash';
import type { SheetStageDeps } from './deps';
import { recordDriveVersion } from './drive-version';
import { FEEDBACK_WORDS, MAX_PROBLEM_ROWS } from './feedback';
import { isLate } from './governance';
import { jsonLogger } from './log';
import { methodologyInForce } from './methodology';
import {
  type CentralRead,
  type CentralTab,
  type FeedbackCell,
  isSpreadsheetUnavailable,
  type SubmittedValue,
} from './ports';
import { centralBasis, holdsAtVersion, skipRead } from './unchanged';

export type CentralDeps = SheetStageDeps;

type TabResult = 'stored' | 'unchanged' | 'stale' | 'missing' | 'late' | 'withdrawn';

export type CentralRequest = { evaluationId: string; spreadsheetId: string; caller: string };

export type CentralOutcome =
  | { status: 'coalesced'; requested: number; synced: number }
  /** The methodology takes no indicator from a central tab: nothing to read. */
  | { status: 'no-central-indicators'; requested: number }
  | { status: 'unreadable'; requested: number; reason: string }
  | {
      status: 'synced';
      requested: number;
      /**
       * Per tab: `stored` (new content), `unchanged`, `stale` (a later read already stored it), `missing` tab,
       * `late` (changed after the freeze: kept, not scored), `withdrawn` (a late change brought back).
       */
      tabs: { tab: string; result: TabResult; refused: number }[];
      feedbackWritten: boolean;
      problems: number;
      evaluationRequested: number;
    };

const HEADER: FeedbackCell[] = [
  'Cell 单元格',
  'Zone 试验区',
  'Code 指标代码',
  'Value as typed 填报内容',
  'Problem 问题',
  'Expected 应填写',
  'Last accepted value 上次接受的数值',
];

/** The values one tab supplies, by zone, with refused cells keeping the last accepted value; and its problems. */
export function centralValues(
  read: CentralRead,
  zones: ReadonlySet<string>,
  previous: CentralTab['zones'] | undefined,
): { zones: CentralTab['zones']; problems: FeedbackCell[][]; refused: number } {
  const out: CentralTab['zones'] = {};
  const problems: FeedbackCell[][] = read.problems.map((p) => [
    p.at,
    '',
    p.code ?? '',
    '',
    p.message,
    '',
    '',
  ]);
  let refused = 0;
  for (const row of read.rows) {
    if (!zones.has(row.zoneId)) {
      problems.push([
        `'${read.tab.replaceAll("'", "''")}'!${row.row}:${row.row}`,
        row.zoneId,
        '',
        row.zoneId,
        `“${row.zoneId}” is not a zone of this evaluation (the control sheet's Zones tab), so row ${row.row} is not read.`,
        'a zone_id from the Zones tab',
        '',
      ]);
      continue;
    }
    const values: Record<string, SubmittedValue> = {};
    for (const [code, { a1, cell, parsed }] of Object.entries(row.cells)) {
      if (parsed === undefined) continue;
      const text = cell.text ?? '';
      if (parsed.ok) {
        values[code] = { value: parsed.value, text, ...(parsed.note !== undefined && { note: parsed.note }) };
        continue;
      }
      refused++;
      const kept = previous?.[row.zoneId]?.[code]?.value ?? null;
      values[code] = { value: kept, text, note: `refused: ${parsed.reason}` };
      problems.push([a1, row.zoneId, code, text, parsed.reason, parsed.expected, kept ?? '']);
    }
    out[row.zoneId] = values;
  }
  // What the reader read from neither copy (a zone on two rows, a code on two columns) keeps its last accepted
  // values, as a refused cell does, until the sheet is fixed.
  for (const p of read.problems) {
    if (p.code === undefined || p.severity !== 'error') continue;
    const keptZone = previous?.[p.code];
    if (p.kind === 'duplicate-row' && keptZone !== undefined && out[p.code] === undefined)
      out[p.code] = keptZone;
    if (p.kind === 'repeated-column')
      for (const [zone, values] of Object.entries(out)) {
        const kept = previous?.[zone]?.[p.code];
        if (kept !== undefined) values[p.code] = kept;
      }
  }
  return { zones: out, problems, refused };
}

/** Runs one sync of the central-data spreadsheet. */
export async function syncCentral(req: CentralRequest, deps: CentralDeps): Promise<CentralOutcome> {
  const { store } = deps;
  const log = deps.log ?? jsonLogger;
  const now = deps.now ?? (() => new Date());
  const { evaluationId: e, spreadsheetId: s } = req;

  const state = await store.getSheetState(e, s);
  const R = state?.requested ?? 0;
  if (state && state.synced >= R) return { status: 'coalesced', requested: R, synced: state.synced };

  const method = await methodologyInForce(store, e);
  const tabs = [
    ...new Set(
      method.compiled.indicators.flatMap((i) =>
        i.source.startsWith('central:') ? [i.source.slice('central:'.length)] : [],
      ),
    ),
  ];
  if (tabs.length === 0) {
    if (R > 0) await store.markSynced(e, s, R);
    return { status: 'no-central-indicators', requested: R };
  }
  const zones = new Set(method.record.zones.map((z) => z.zoneId));
  const stored = new Map((await store.listCentralTabs(e)).map((t) => [t.tab, t]));

  const reads: CentralRead[] = [];
  // The version before the read, recorded at the end (or the one after our Feedback write), as the zone sync does:
  // the reconcile poll then reads again only when the sheet moved past what was read.
  let readVersion: string | null = null;
  try {
    if (deps.files) readVersion = (await deps.files.getFile(s)).version;
    // A signal, and neither the sheet, the methodology in force nor the tabs' stored values have moved since the
    // last completed read (a replayed or duplicate signal): reading it again would store and write nothing.
    const basisNow = {
      version: readVersion,
      methodologySeq: method.seq,
      basis: centralBasis(tabs, [...stored.values()]),
    };
    if (R > 0 && skipRead({ caller: req.caller, recorded: state?.unchangedAt, now: basisNow })) {
      await store.markSynced(e, s, R);
      log.info('central.unchanged', {
        evaluationId: e,
        spreadsheetId: s,
        requested: R,
        version: readVersion,
      });
      return { status: 'coalesced', requested: R, synced: R };
    }
    for (const tab of tabs)
      reads.push(await deps.reader.readCentral(s, tab, method.compiled.spec, { zoneIds: [...zones] }));
  } catch (err) {
    if (!isSpreadsheetUnavailable(err)) throw err;
    log.error('central.unreadable', { evaluationId: e, spreadsheetId: s, reason: err.message });
    if (R > 0) await store.markSynced(e, s, R);
    return { status: 'unreadable', requested: R, reason: err.message };
  }

  const results: { tab: string; result: TabResult; refused: number }[] = [];
  // After the freeze a changed tab waits, late, for the admin (the same rule as a zone's form, sync.ts).
  const governance = await store.getGovernance(e);
  const frozen = isLate(governance, now());
  /** The late changes waiting after this read, by tab, for the Feedback. */
  const waiting: { tab: string; at: string }[] = [];
  // The tabs as this read leaves them stored: what a replay's basis is compared with.
  const left = new Map<string, Pick<CentralTab, 'tab' | 'spreadsheetId' | 'contentHash'>>(stored);
  const problems: FeedbackCell[][] = [];
  for (const read of reads) {
    const tab = tabs[reads.indexOf(read)]!;
    const before = stored.get(tab);
    const got = centralValues(read, zones, before?.spreadsheetId === s ? before.zones : undefined);
    problems.push(...got.problems);
    // A missing tab stores nothing: the last values stay in use, and the Feedback says the tab is missing. So does
    // a second zone_id column (a repeated column naming no indicator), which leaves no row readable.
    const unread = (p: (typeof read.problems)[number]) =>
      p.kind === 'missing-tab' ||
      p.kind === 'missing-header' ||
      (p.kind === 'repeated-column' && p.code === undefined);
    if (read.problems.some(unread)) {
      results.push({ tab, result: 'missing', refused: got.refused });
      continue;
    }
    const hash = contentHash(got.zones);
    const sameSheet = before?.spreadsheetId === s;
    if (before && before.contentHash === hash && sameSheet) {
      if (!before.late) {
        results.push({ tab, result: 'unchanged', refused: got.refused });
        continue;
      }
      // Brought back to the values that count: the late change is withdrawn, nothing is left to accept.
      const written = await store.putCentralTab(e, {
        ...before,
        late: null,
        readSeq: R,
        updatedAt: now().toISOString(),
      });
      results.push({ tab, result: written ? 'withdrawn' : 'stale', refused: got.refused });
      continue;
    }
    if (frozen) {
      if (before?.late?.contentHash === hash && sameSheet) {
        // The same late content read again (another signal, the reconcile poll): nothing new to keep.
        waiting.push({ tab, at: before.late.at });
        results.push({ tab, result: 'late', refused: got.refused });
        continue;
      }
      const at = now().toISOString();
      const written = await store.putCentralTab(e, {
        tab,
        spreadsheetId: s,
        // What counts stays: the values stored before the freeze (none for a tab first read after it).
        zones: before?.zones ?? {},
        contentHash: before?.contentHash ?? contentHash({}),
        readSeq: R,
        updatedAt: at,
        late: { zones: got.zones, contentHash: hash, at },
        accepted: before?.accepted ?? null,
      });
      if (written) {
        waiting.push({ tab, at });
        log.warn('central.late', { evaluationId: e, spreadsheetId: s, tab, freeze: governance.freeze });
      }
      results.push({ tab, result: written ? 'late' : 'stale', refused: got.refused });
      if (written)
        left.set(tab, { tab, spreadsheetId: s, contentHash: before?.contentHash ?? contentHash({}) });
      continue;
    }
    const written = await store.putCentralTab(e, {
      tab,
      spreadsheetId: s,
      zones: got.zones,
      contentHash: hash,
      readSeq: R,
      updatedAt: now().toISOString(),
      accepted: before?.accepted ?? null,
    });
    results.push({ tab, result: written ? 'stored' : 'stale', refused: got.refused });
    if (written) left.set(tab, { tab, spreadsheetId: s, contentHash: hash });
  }

  const evaluationRequested = await store.requestEvaluation(e);

  const errors = problems.length;
  const rows: FeedbackCell[][] = [
    [
      'Status 状态',
      errors === 0
        ? 'OK 已接受: every value was accepted.'
        : `${errors} problem${errors > 1 ? 's' : ''} 个问题 below: a refused value keeps the last accepted one until it is fixed.`,
    ],
    // Tab names only, not whether this read stored anything: an unchanged read must leave the Feedback unchanged.
    ['Tabs read 已读取', tabs.join(', ')],
    ...waiting.map(({ tab, at }): FeedbackCell[] => [
      FEEDBACK_WORDS.late,
      `Tab ${tab}: the change read at ${at} came after the freeze (${governance.freeze}): it is kept and does not count until the evaluation's admin accepts it; the values stored before stay in use. 截止后提交的修改已记录，待管理员接受后计入。`,
    ]),
    [],
  ];
  if (problems.length) rows.push(HEADER, ...problems.slice(0, MAX_PROBLEM_ROWS));
  if (problems.length > MAX_PROBLEM_ROWS)
    rows.push(['', '', '', '', `…and ${problems.length - MAX_PROBLEM_ROWS} more problems not listed.`]);
  const feedbackHash = contentHash(rows);
  let feedbackWritten = false;
  const stale = results.some((r) => r.result === 'stale');
  const overtaken = async () => ((await store.getSheetState(e, s))?.synced ?? 0) > R;
  if (!stale && feedbackHash !== state?.feedbackHash && !(await overtaken())) {
    await deps.feedback.writeFeedback(s, rows);
    await store.setFeedbackHash(e, s, feedbackHash);
    feedbackWritten = true;
  }
  const after = await recordDriveVersion(deps, e, s, readVersion, feedbackWritten);
  // Where what this read stored and wrote holds, for a replay to stop at; a stale tab is not what is stored.
  const holdsAt = stale ? null : holdsAtVersion(readVersion, after, feedbackWritten ? 1 : 0);
  if (R > 0)
    await store.markSynced(
      e,
      s,
      R,
      holdsAt === null
        ? undefined
        : {
            version: holdsAt,
            methodologySeq: method.seq,
            basis: centralBasis(tabs, [...left.values()]),
          },
    );
  log.info('central.done', {
    evaluationId: e,
    spreadsheetId: s,
    requested: R,
    tabs: results,
    problems: errors,
  });
  return {
    status: 'synced',
    requested: R,
    tabs: results,
    feedbackWritten,
    problems: errors,
    evaluationRequested,
  };
}

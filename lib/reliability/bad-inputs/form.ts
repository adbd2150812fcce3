/**
 * Running the form cases on the local runtime. Value cases are spread over a few zones' forms (one cell each,
 * typed by the zone's official), so one sync per zone reads them all; structural cases each take a zone of their
 * own. Before: the accepted values as stored. After: the Feedback tab, the store and the published results.
 */
import type { sheets_v4 } from '@googleapis/sheets';
import type { Indicator } from '../../core/methodology';
import { officialOf } from '../../local/seed';
import type { CaseResult } from './cases';
import { crashed, result } from './cases';
import type { FormCellCase } from './form-cells';
import type { FormSheetCase, SheetOp } from './form-sheets';
import { FORM_FEEDBACK, matchAcceptanceFeedback, matchRefusal, sameValue } from './match';
import { crashes, EVALUATION, failedSoFar, type World } from './world';

/** The form's first indicator row (1-based): row 1 the zone id, row 2 the header. */
const FIRST_ROW = 3;

function zoneIndicators(world: World): Indicator[] {
  return world.ev.methodology.indicators.filter((i) => i.source === 'zone');
}

type Values = Map<string, Map<string, number | null>>;

/** Every zone's current values as stored. */
async function storedValues(world: World, zones: readonly string[]): Promise<Values> {
  const out: Values = new Map();
  for (const z of zones) {
    const cur = await world.runtime.stack.store.getCurrent(EVALUATION, z);
    out.set(z, new Map(Object.entries(cur?.values ?? {}).map(([code, v]) => [code, v.value])));
  }
  return out;
}

/** Every zone's values as published. */
async function publishedValues(world: World): Promise<Values> {
  const doc = await world.published();
  return new Map(
    doc.zones.map((z) => [z.zoneId, new Map(Object.entries(z.values).map(([c, v]) => [c, v ?? null]))]),
  );
}

/** Places each value case in a (zone, indicator) cell of the given unit, no cell used twice. */
export function placeCells(
  cases: readonly FormCellCase[],
  zones: readonly string[],
  indicators: readonly Indicator[],
): { placed: { c: FormCellCase; zone: string; code: string; row: number }[]; unplaced: FormCellCase[] } {
  const used = new Set<string>();
  const placed: { c: FormCellCase; zone: string; code: string; row: number }[] = [];
  const unplaced: FormCellCase[] = [];
  for (const c of cases) {
    let spot: { zone: string; ind: Indicator } | null = null;
    for (const zone of zones) {
      const ind = indicators.find(
        (i) =>
          i.unit === c.unit && (c.code === undefined || i.code === c.code) && !used.has(`${zone}/${i.code}`),
      );
      if (ind) {
        spot = { zone, ind };
        break;
      }
    }
    if (!spot) {
      unplaced.push(c);
      continue;
    }
    used.add(`${spot.zone}/${spot.ind.code}`);
    placed.push({ c, zone: spot.zone, code: spot.ind.code, row: indicators.indexOf(spot.ind) + FIRST_ROW });
  }
  return { placed, unplaced };
}

/** The Feedback's cells of the "Value as typed" column, with what each holds (string or formula). */
async function typedColumn(world: World, spreadsheetId: string) {
  const res = await world.system.spreadsheets.get({
    spreadsheetId,
    ranges: ['Feedback!A:C'],
    includeGridData: true,
    fields: 'sheets.data.rowData.values(userEnteredValue)',
  });
  const rows = res.data.sheets?.[0]?.data?.[0]?.rowData ?? [];
  return rows.map((r) => ({
    at: r.values?.[0]?.userEnteredValue?.stringValue ?? '',
    typed: r.values?.[2]?.userEnteredValue ?? null,
  }));
}

/** Types every value case into its cell, one sync per zone, and checks each. */
export async function runFormCells(
  world: World,
  cases: readonly FormCellCase[],
  zones: readonly string[],
): Promise<CaseResult[]> {
  const { placed, unplaced } = placeCells(cases, zones, zoneIndicators(world));
  const results: CaseResult[] = unplaced.map((c) =>
    result(c.name, 'form cell', [
      `no free cell of unit ${c.unit}${c.code ? ` (${c.code})` : ''} to type it in`,
    ]),
  );
  const before = await storedValues(world, zones);
  const since = failedSoFar(world);
  const { emulator } = world.runtime.stack;
  for (const zone of zones) {
    const mine = placed.filter((p) => p.zone === zone);
    const sid = world.year.sheets.get(zone)!;
    // Every cell but the last through the API (no trigger), the last as a person: one signal, one read.
    for (const [k, p] of mine.entries()) {
      const range = `Form!D${p.row}`;
      if (k < mine.length - 1) emulator.writeAs(officialOf(zone), sid, range, [[p.c.input]], 'USER_ENTERED');
      else await emulator.editAsPerson(sid, officialOf(zone), range, [[p.c.input]]);
    }
  }
  await world.quiet();
  const crash = crashes(world, since);
  const after = await storedValues(world, zones);
  const published = await publishedValues(world);
  const feedback = new Map<string, unknown[][]>();
  for (const zone of zones) feedback.set(zone, await world.tab(world.year.sheets.get(zone)!, 'Feedback'));

  for (const p of placed) {
    try {
      const rows = feedback.get(p.zone) ?? [];
      const cell = `Form!D${p.row}`;
      const seeded = before.get(p.zone)?.get(p.code) ?? null;
      const stored = after.get(p.zone)?.get(p.code) ?? null;
      const shown = published.get(p.zone)?.get(p.code) ?? null;
      const mismatches: string[] = [...crash];
      const lost: string[] = [];
      if (p.c.expect.refused) {
        mismatches.push(...matchRefusal(rows, p.c.expect, FORM_FEEDBACK, cell));
        const row = rows.find((r) => r[0] === cell && !String(r[3]).startsWith('Accepted.'));
        // The Feedback names the value still in use, so the official knows nothing was lost.
        if (row && seeded !== null && !sameValue(row[5], seeded))
          mismatches.push(
            `the Feedback gives ${String(row[5])} as the last accepted value, the store had ${seeded}`,
          );
        if (!sameValue(stored, seeded))
          lost.push(`${p.zone} ${p.code} was ${seeded} in the store, now ${stored}`);
        if (!sameValue(shown, seeded))
          lost.push(`${p.zone} ${p.code} was ${seeded}, the published results show ${shown}`);
      } else {
        mismatches.push(...matchAcceptanceFeedback(rows, p.c.expect, FORM_FEEDBACK, cell));
        if (!sameValue(stored, p.c.expect.value))
          mismatches.push(`expected ${p.c.expect.value} stored for ${p.code}, found ${stored}`);
        if (!sameValue(shown, p.c.expect.value))
          mismatches.push(`expected ${p.c.expect.value} published for ${p.code}, found ${shown}`);
      }
      if (p.c.echoedAsText !== undefined) {
        const typed = (await typedColumn(world, world.year.sheets.get(p.zone)!)).find(
          (t) => t.at === cell,
        )?.typed;
        if (typed?.stringValue !== p.c.echoedAsText || typed.formulaValue !== undefined)
          mismatches.push(
            `the Feedback's “Value as typed” holds ${JSON.stringify(typed)}, expected the text ${JSON.stringify(p.c.echoedAsText)}`,
          );
      }
      results.push(
        result(
          `${p.c.name} (${p.zone} ${p.code}: ${JSON.stringify(p.c.input.slice(0, 40))})`,
          'form cell',
          mismatches,
          lost,
        ),
      );
    } catch (e) {
      results.push(crashed(p.c.name, 'form cell', e));
    }
  }
  return results;
}

async function tabId(world: World, spreadsheetId: string, title: string): Promise<number> {
  const meta = await world.admin.spreadsheets.get({
    spreadsheetId,
    fields: 'sheets.properties(sheetId,title)',
  });
  const id = meta.data.sheets?.find((s) => s.properties?.title === title)?.properties?.sheetId;
  if (id === undefined || id === null) throw new Error(`no tab ${title} in ${spreadsheetId}`);
  return id;
}

/** Room for rows written past the form's end. */
async function growForm(world: World, spreadsheetId: string, rows: number) {
  await world.admin.spreadsheets.batchUpdate({
    spreadsheetId,
    requestBody: {
      requests: [
        {
          appendDimension: {
            sheetId: await tabId(world, spreadsheetId, 'Form'),
            dimension: 'ROWS',
            length: rows,
          },
        },
      ],
    },
  });
}

/** The Form tab's cells as entered, values and formats (a percentage stays a percentage when moved). */
async function formGrid(world: World, spreadsheetId: string): Promise<sheets_v4.Schema$RowData[]> {
  const res = await world.admin.spreadsheets.get({
    spreadsheetId,
    ranges: ['Form'],
    includeGridData: true,
    fields: 'sheets.data.rowData.values(userEnteredValue,userEnteredFormat)',
  });
  return res.data.sheets?.[0]?.data?.[0]?.rowData ?? [];
}

/** Replaces the Form tab's cells with `rows` (from A1), as cut and paste would. */
async function rewriteForm(world: World, spreadsheetId: string, rows: sheets_v4.Schema$RowData[]) {
  const sheetId = await tabId(world, spreadsheetId, 'Form');
  await world.admin.spreadsheets.batchUpdate({
    spreadsheetId,
    requestBody: {
      requests: [
        { appendDimension: { sheetId, dimension: 'ROWS', length: Math.max(5, rows.length - 40) } },
        { updateCells: { range: { sheetId }, fields: 'userEnteredValue,userEnteredFormat' } },
        {
          updateCells: {
            start: { sheetId, rowIndex: 0, columnIndex: 0 },
            rows,
            fields: 'userEnteredValue,userEnteredFormat',
          },
        },
      ],
    },
  });
}

async function applyOp(world: World, zone: number, spreadsheetId: string, op: SheetOp) {
  const fill = (v: string | number) =>
    typeof v === 'string'
      ? v.replace(
          /\{zone:(-?\d+)\}/g,
          (_, k: string) => world.zones[(zone + Number(k) + world.zones.length) % world.zones.length]!,
        )
      : v;
  switch (op.op) {
    case 'deleteTab':
      await world.admin.spreadsheets.batchUpdate({
        spreadsheetId,
        requestBody: {
          requests: [{ deleteSheet: { sheetId: await tabId(world, spreadsheetId, op.title) } }],
        },
      });
      return;
    case 'renameTab':
      await world.admin.spreadsheets.batchUpdate({
        spreadsheetId,
        requestBody: {
          requests: [
            {
              updateSheetProperties: {
                properties: { sheetId: await tabId(world, spreadsheetId, op.from), title: op.to },
                fields: 'title',
              },
            },
          ],
        },
      });
      return;
    case 'write':
      await growForm(world, spreadsheetId, 5);
      await world.admin.spreadsheets.values.update({
        spreadsheetId,
        range: op.range,
        valueInputOption: 'USER_ENTERED',
        requestBody: { values: op.values.map((r) => r.map(fill)) },
      });
      return;
    case 'shiftRows': {
      const rows = await formGrid(world, spreadsheetId);
      await rewriteForm(world, spreadsheetId, [...Array.from({ length: op.by }, () => ({})), ...rows]);
      return;
    }
    case 'swapColumns': {
      const rows = (await formGrid(world, spreadsheetId)).map((r) => {
        const out = [...(r.values ?? [])];
        while (out.length <= Math.max(op.a, op.b)) out.push({});
        [out[op.a], out[op.b]] = [out[op.b]!, out[op.a]!];
        return { values: out };
      });
      await rewriteForm(world, spreadsheetId, rows);
      return;
    }
    case 'pasteFormOf': {
      const other = world.zones[(zone + op.offset) % world.zones.length]!;
      await rewriteForm(world, spreadsheetId, await formGrid(world, world.year.sheets.get(other)!));
      return;
    }
    case 'deleteRow':
      await world.admin.spreadsheets.batchUpdate({
        spreadsheetId,
        requestBody: {
          requests: [
            {
              deleteDimension: {
                range: {
                  sheetId: await tabId(world, spreadsheetId, 'Form'),
                  dimension: 'ROWS',
                  startIndex: op.row - 1,
                  endIndex: op.row,
                },
              },
            },
          ],
        },
      });
      return;
  }
}

/** Applies each structural case to a zone of its own (from `firstZone`), one signal each, and checks each. */
async function runRound(
  world: World,
  cases: readonly FormSheetCase[],
  firstZone: number,
): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  const zones = world.zones;
  const before = await storedValues(world, zones);
  const publishedBefore = await publishedValues(world);
  const since = failedSoFar(world);
  const active: { c: FormSheetCase; zone: string; sid: string }[] = [];
  for (const [k, c] of cases.entries()) {
    const index = firstZone + k;
    const zone = zones[index];
    if (zone === undefined) {
      results.push(result(c.name, 'form sheet', ['no zone left to run it on (seed more zones)']));
      continue;
    }
    const sid = world.year.sheets.get(zone)!;
    try {
      for (const op of c.ops) await applyOp(world, index, sid, op);
      await world.signal(sid);
      active.push({ c, zone, sid });
    } catch (e) {
      results.push(crashed(c.name, 'form sheet', e));
    }
  }
  await world.quiet();
  const crash = crashes(world, since);
  const after = await storedValues(world, zones);
  const published = await publishedValues(world);
  // Every zone's values are as before but for the changes a case expects on its own zone: what differs is lost
  // (or, where a change was expected, a mismatch), reported by the case of that zone; a zone no case ran on is
  // reported by the cases that claim another zone's rows.
  const changes = new Map(active.map((a) => [a.zone, a.c.expect.changes ?? {}]));
  const lostBy = new Map<string, string[]>();
  const wrongBy = new Map<string, string[]>();
  for (const z of zones) {
    const expected = changes.get(z) ?? {};
    for (const [code, was] of before.get(z) ?? []) {
      const want = code in expected ? expected[code]! : was;
      const now = after.get(z)?.get(code) ?? null;
      const shown = published.get(z)?.get(code) ?? null;
      const shownBefore = publishedBefore.get(z)?.get(code) ?? null;
      const into = want === was ? lostBy : wrongBy;
      const add = (line: string) => into.set(z, [...(into.get(z) ?? []), line]);
      if (!sameValue(now, want)) add(`${z} ${code} stored ${String(now)}, expected ${want}`);
      if (want === was ? !sameValue(shown, shownBefore) : !sameValue(shown, want))
        add(`${z} ${code} published ${String(shown)}, expected ${want === was ? shownBefore : want}`);
    }
  }
  const unowned = zones.filter((z) => !changes.has(z)).flatMap((z) => lostBy.get(z) ?? []);
  for (const { c, zone, sid } of active) {
    try {
      const rows = await world.tab(sid, 'Feedback');
      const mismatches: string[] = [...crash, ...(wrongBy.get(zone) ?? [])];
      const claims = c.ops.some(
        (o) => o.op === 'pasteFormOf' || (o.op === 'write' && JSON.stringify(o.values).includes('{zone:')),
      );
      const lost = [...(lostBy.get(zone) ?? []), ...(claims ? unowned : [])];
      const status = String(rows[0]?.[1] ?? '');
      if (rows.length === 0) mismatches.push('the Feedback tab is missing or empty');
      else if (c.expect.form === 'refused' && !status.startsWith('NOT ACCEPTED'))
        mismatches.push(`expected the form refused as a whole, the status says “${status}”`);
      else if (c.expect.form === 'read' && status.startsWith('NOT ACCEPTED'))
        mismatches.push(`expected the form read, the status says “${status}”`);
      for (const p of c.expect.problems)
        mismatches.push(
          ...matchRefusal(rows, { refused: true, messageIncludes: p.includes, at: p.at }, FORM_FEEDBACK),
        );
      results.push(result(c.name, 'form sheet', mismatches, lost));
    } catch (e) {
      results.push(crashed(c.name, 'form sheet', e));
    }
  }
  return results;
}

type FormSnapshot = { titles: string[]; rows: sheets_v4.Schema$RowData[] };

/** A form's tabs and its Form tab's cells as entered (values and formats), to put it back after a round. */
async function snapshotForm(world: World, spreadsheetId: string): Promise<FormSnapshot> {
  const res = await world.admin.spreadsheets.get({
    spreadsheetId,
    ranges: ['Form'],
    includeGridData: true,
    fields: 'sheets(properties.title,data.rowData.values(userEnteredValue,userEnteredFormat))',
  });
  const meta = await world.admin.spreadsheets.get({ spreadsheetId, fields: 'sheets.properties.title' });
  return {
    titles: (meta.data.sheets ?? []).map((t) => t.properties?.title ?? ''),
    rows: res.data.sheets?.[0]?.data?.[0]?.rowData ?? [],
  };
}

/** Puts a form back as snapshotted: tabs a case added or renamed removed, the Form tab re-made and refilled. */
async function restoreForm(world: World, spreadsheetId: string, snap: FormSnapshot): Promise<void> {
  const meta = await world.admin.spreadsheets.get({
    spreadsheetId,
    fields: 'sheets.properties(sheetId,title)',
  });
  const tabs = (meta.data.sheets ?? []).map((t) => ({
    id: t.properties?.sheetId ?? 0,
    title: t.properties?.title ?? '',
  }));
  const requests: sheets_v4.Schema$Request[] = [];
  for (const t of tabs) if (!snap.titles.includes(t.title)) requests.push({ deleteSheet: { sheetId: t.id } });
  let form = tabs.find((t) => t.title === 'Form')?.id;
  if (form === undefined) {
    form = 7_000_000 + Math.floor(Math.random() * 1_000_000);
    requests.push({ addSheet: { properties: { sheetId: form, title: 'Form' } } });
  }
  requests.push(
    { appendDimension: { sheetId: form, dimension: 'ROWS', length: 10 } },
    { updateCells: { range: { sheetId: form }, fields: 'userEnteredValue,userEnteredFormat' } },
    {
      updateCells: {
        start: { sheetId: form, rowIndex: 0, columnIndex: 0 },
        rows: snap.rows,
        fields: 'userEnteredValue,userEnteredFormat',
      },
    },
  );
  await world.admin.spreadsheets.batchUpdate({ spreadsheetId, requestBody: { requests } });
}

/**
 * Runs the structural cases in rounds of `perRound` zones: each round's forms are snapshotted, broken (a case
 * per zone), checked, then put back and read again, so a few zones serve the whole corpus.
 */
export async function runFormSheets(
  world: World,
  cases: readonly FormSheetCase[],
  perRound: number,
  progress: (line: string) => void,
): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  const zones = world.zones.slice(0, perRound);
  for (let k = 0; k < cases.length; k += perRound) {
    const round = cases.slice(k, k + perRound);
    progress(`bad-inputs: broken zone forms ${k + 1} to ${k + round.length} of ${cases.length}`);
    const snaps = new Map<string, FormSnapshot>();
    for (const z of zones.slice(0, round.length)) {
      const sid = world.year.sheets.get(z)!;
      snaps.set(sid, await snapshotForm(world, sid));
    }
    results.push(...(await runRound(world, round, 0)));
    for (const [sid, snap] of snaps) {
      await restoreForm(world, sid, snap);
      await world.signal(sid);
    }
    await world.quiet();
  }
  return results;
}

/** What reading a very long form cost: the sync from signal to quiet, and the process's memory at its peak. */
export type BigFormFigures = { rows: number; ms: number; peakRssGrowthMb: number; peakHeapGrowthMb: number };

/** Bounds a long form's read must stay within (the process holds the emulator too, so memory is an upper bound). */
export const BIG_FORM_BOUNDS = { ms: 60_000, rssGrowthMb: 1024 };

/**
 * A form with `rows` rows pasted below the indicators (codes the evaluation does not know): read in one sync within
 * the bounds, the Feedback capped with a line counting the rest, the zone's accepted values unchanged.
 */
export async function runBigForm(
  world: World,
  zoneIndex: number,
  rows: number,
): Promise<{ result: CaseResult; figures: BigFormFigures | null }> {
  const name = `a form of ${rows.toLocaleString('en')} rows`;
  const zone = world.zones[zoneIndex]!;
  const sid = world.year.sheets.get(zone)!;
  try {
    const before = await storedValues(world, [zone]);
    const since = failedSoFar(world);
    const sheetId = await tabId(world, sid, 'Form');
    await world.admin.spreadsheets.batchUpdate({
      spreadsheetId: sid,
      requestBody: { requests: [{ appendDimension: { sheetId, dimension: 'ROWS', length: rows + 10 } }] },
    });
    const pasted = Array.from({ length: rows }, (_, k) => [`X${k + 1}`, 'pasted row', 'count', k + 1]);
    await world.admin.spreadsheets.values.update({
      spreadsheetId: sid,
      range: 'Form!A45',
      valueInputOption: 'RAW',
      requestBody: { values: pasted },
    });
    const rss0 = process.memoryUsage().rss;
    const heap0 = process.memoryUsage().heapUsed;
    let rss = rss0;
    let heap = heap0;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      rss = Math.max(rss, m.rss);
      heap = Math.max(heap, m.heapUsed);
    }, 25);
    const t0 = Date.now();
    try {
      await world.signal(sid);
      await world.quiet();
    } finally {
      clearInterval(sampler);
    }
    const figures: BigFormFigures = {
      rows,
      ms: Date.now() - t0,
      peakRssGrowthMb: Math.round((rss - rss0) / 2 ** 20),
      peakHeapGrowthMb: Math.round((heap - heap0) / 2 ** 20),
    };
    const feedback = await world.tab(sid, 'Feedback');
    const mismatches = [...crashes(world, since)];
    const status = String(feedback[0]?.[1] ?? '');
    if (status.startsWith('NOT ACCEPTED')) mismatches.push(`the form was refused: “${status}”`);
    const more = feedback.find((r) => /more problems not listed/.test(String(r[3] ?? '')));
    if (!more) mismatches.push('the Feedback does not say how many problems it left out');
    if (feedback.length > 220) mismatches.push(`the Feedback has ${feedback.length} rows, more than its cap`);
    if (figures.ms > BIG_FORM_BOUNDS.ms)
      mismatches.push(`the read took ${figures.ms} ms, over ${BIG_FORM_BOUNDS.ms}`);
    if (figures.peakRssGrowthMb > BIG_FORM_BOUNDS.rssGrowthMb)
      mismatches.push(
        `resident memory grew ${figures.peakRssGrowthMb} MB, over ${BIG_FORM_BOUNDS.rssGrowthMb}`,
      );
    const after = await storedValues(world, [zone]);
    const lost = [...(before.get(zone) ?? [])]
      .filter(([code, v]) => !sameValue(after.get(zone)?.get(code) ?? null, v))
      .map(([code, v]) => `${zone} ${code} was ${v}, now ${after.get(zone)?.get(code)}`);
    return { result: result(name, 'form sheet', mismatches, lost), figures };
  } catch (e) {
    return { result: crashed(name, 'form sheet', e), figures: null };
  }
}

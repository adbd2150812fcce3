/**
 * The admin commands through the CLI in-process, against a local stack left in a directory (the emulator's state
 * file and dynalite's LevelDB), each invocation starting the stack over it as an admin's terminal would.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { officialOf } from '../../../lib/local/seed';
import { silentLogger } from '../../../lib/pipeline/log';
import { ENGINE_VERSION } from '../../../lib/pipeline/results';
import { syncSheet } from '../../../lib/pipeline/sync';
import { PROVENANCE_HEADER, RESULTS_TABS } from '../../../lib/sheets/results';
import { runCli } from '../../helpers/cli';
import { unzip } from '../../helpers/unzip';
import {
  buildFixture,
  E,
  type Fixture,
  local,
  openStack,
  T03_REMARK,
  typeAs,
  withStack,
  Z1,
  Z2,
  Z3,
  zones,
} from './fixture';

let fx: Fixture;
beforeAll(async () => {
  fx = await buildFixture();
}, 60_000);
afterAll(() => fx?.cleanup());

describe('status', () => {
  it('lists every zone sheet with its last sync, pending edits and refused cells, and the published run', async () => {
    const r = await runCli(['status', ...local(fx.dir), '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    const z1 = out.sheets.find((s: { zoneId: string }) => s.zoneId === Z1);
    expect(z1).toMatchObject({ pending: 0, refused: ['T01'] });
    expect(z1.lastSync).toMatch(/^\d{4}-/);
    expect(out.sheets.find((s: { zoneId: string }) => s.zoneId === Z2).refused).toEqual([]);
    expect(out.lastRun).toMatchObject({ seq: fx.runSeq, published: true });
    expect(out.dlqs).toBeNull();
  });

  it('prints a table naming the refused cells', async () => {
    const r = await runCli(['status', ...local(fx.dir)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`last run: ${fx.runSeq}`);
    expect(r.stdout).toMatch(/published/);
    expect(r.stdout).toMatch(new RegExp(`${Z1}\\s.*1: T01`));
  });

  it('refuses --local without --data-dir in one line', async () => {
    const r = await runCli(['status', '--evaluation', E, '--local']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "zone-eval status: option --local needs --data-dir DIR, the local stack's directory",
    );
  });
});

describe('history', () => {
  it('lists every accepted and refused value of an indicator with who and when', async () => {
    const r = await runCli([
      'history',
      ...local(fx.dir),
      '--zone',
      Z1,
      '--indicator',
      'T03',
      '--format',
      'json',
    ]);
    expect(r.code).toBe(0);
    const { entries } = JSON.parse(r.stdout);
    expect(entries.map((x: { text: string; status: string }) => [x.text, x.status])).toEqual([
      ['40', 'accepted'],
      ['12abc', 'refused'],
      ['45', 'accepted'],
    ]);
    expect(entries[1]).toMatchObject({ by: officialOf(Z1), value: 40 });
    expect(entries[1].note).toMatch(/number/);
    expect(entries[0].by).toBe('trigger');
  });

  it("gives the official's remark with the value it came with, as typed", async () => {
    const r = await runCli([
      'history',
      ...local(fx.dir),
      '--zone',
      Z1,
      '--indicator',
      'T03',
      '--format',
      'json',
    ]);
    const { entries } = JSON.parse(r.stdout);
    expect(entries.map((x: { remark: string | null }) => x.remark)).toEqual([null, null, T03_REMARK]);
  });

  it('prints the remark on one line, a formula as its text', async () => {
    const r = await runCli(['history', ...local(fx.dir), '--zone', Z1, '--indicator', 'T03']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/45\s.*=HYPERLINK\("http:\/\/example\.com","see"\) ⏎ from the 2025 yearbook$/m);
  });

  it('names the closest indicator for a misspelt one', async () => {
    const r = await runCli(['history', ...local(fx.dir), '--zone', Z1, '--indicator', 'T0l']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/has no value for indicator 'T0l' \(did you mean T01\?\)/);
  });

  it('names the closest zone for a misspelt one', async () => {
    const r = await runCli(['history', ...local(fx.dir), '--zone', `${Z1}x`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`(did you mean ${Z1}?)`);
  });
});

describe('trace', () => {
  it('gives the run, the versions, the revision used and who entered each value', async () => {
    const r = await runCli(['trace', ...local(fx.dir), '--zone', Z1, '--format', 'json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ run: fx.runSeq, published: true, engineVersion: ENGINE_VERSION });
    expect(out.methodologyVersion).toEqual(expect.any(String));
    const t03 = out.values.find((v: { indicator: string }) => v.indicator === 'T03');
    expect(t03).toMatchObject({
      used: 45,
      entered: { text: '45', by: officialOf(Z1), remark: T03_REMARK },
      refusedAfter: null,
    });
    // The refused "lots" came after the run: not part of its trace.
    const t01 = out.values.find((v: { indicator: string }) => v.indicator === 'T01');
    expect(t01).toMatchObject({ used: 12.5, entered: { text: '12.5', by: 'trigger' }, refusedAfter: null });
  });

  it('prints the run stamp and the table for one indicator', async () => {
    const r = await runCli(['trace', ...local(fx.dir), '--zone', Z1, '--indicator', 'T03']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^run ${fx.runSeq} \\(published\\)`));
    expect(r.stdout).toMatch(/T03\s+45\s+45/);
  });

  it('refuses a run that does not exist', async () => {
    const r = await runCli(['trace', ...local(fx.dir), '--zone', Z1, '--run', '99']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('has no run 99');
  });
});

describe("the results' Provenance tab", () => {
  it('names for each value of the published run the revision that entered it, who and when, as trace does', async () => {
    const rows = await withStack(fx.dir, async (s) => {
      const res = await s.google.sheets.spreadsheets.values.get({
        spreadsheetId: fx.prov.resultsId!,
        range: `'${RESULTS_TABS.provenance.title}'`,
      });
      return res.data.values ?? [];
    });
    expect(rows[0]).toEqual([...PROVENANCE_HEADER]);
    const r = await runCli(['trace', ...local(fx.dir), '--zone', Z1, '--format', 'json']);
    const traced: Array<{
      indicator: string;
      used: number | null;
      entered: { revision: number; by: string; at: string } | null;
    }> = JSON.parse(r.stdout).values;
    const mine = rows.filter((row) => row[0] === Z1);
    const checked = traced.filter((v) => v.used !== null && v.entered !== null);
    // Zhengzhou's T03: refused at one revision, then 45 accepted at the next; the refused T01 after the run is not it.
    expect(checked.map((v) => v.indicator)).toContain('T03');
    expect(checked.length).toBeGreaterThan(1);
    for (const v of checked) {
      const row = mine.find((x) => String(x[6]).split(', ').includes(v.indicator));
      expect([v.indicator, row?.slice(3, 6)]).toEqual([
        v.indicator,
        [String(v.entered!.revision), v.entered!.by, v.entered!.at],
      ]);
    }
    // Every value a zone's run used is listed once, across its rows.
    const listed = mine.flatMap((x) => String(x[6]).split(', '));
    expect(new Set(listed).size).toBe(listed.length);
  });
});

describe('export', () => {
  it('writes the published results as CSV, best first, formulas kept as text', async () => {
    const out = join(fx.dir, 'results.csv');
    const r = await runCli(['export', ...local(fx.dir), '--year', '2025', '--format', 'csv', '--out', out]);
    expect(r.code).toBe(0);
    const lines = readFileSync(out, 'utf8').split('\r\n');
    expect(lines[0]!.startsWith('\uFEFFrank,zone_id,name_en')).toBe(true);
    expect(lines[1]).toMatch(/^1,/);
    // Every zone's grade with its Chinese label (gates hold these zones, missing required values, at C or below).
    expect(lines.slice(1, 4).every((l) => /,(成效|尚在起步)/.test(l))).toBe(true);
    expect(lines.find((l) => l.includes('IMPORTXML'))).toContain(`"'=IMPORTXML(""x"")"`);
    expect(lines.filter((l) => l !== '').length).toBe(4);
  });

  it('writes JSON with the run stamp', async () => {
    const r = await runCli(['export', ...local(fx.dir), '--year', '2025', '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ year: 2025, run: fx.runSeq });
    expect(doc.zones.map((z: { zoneId: string }) => z.zoneId).sort()).toEqual([Z1, Z2, Z3].sort());
    expect(doc.zones[0].rank).toBe(1);
  });

  it("writes an Excel workbook: the CSV's columns, numbers as number cells, names intact, a formula as text", async () => {
    const out = join(fx.dir, 'results.xlsx');
    const r = await runCli(['export', ...local(fx.dir), '--year', '2025', '--format', 'xlsx', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const files = unzip(readFileSync(out));
    expect(files.get('xl/workbook.xml')!.data.toString('utf8')).toContain('<sheet name="Results 2025"');
    const sheet = files.get('xl/worksheets/sheet1.xml')!.data.toString('utf8');
    const rows = [...sheet.matchAll(/<row r="(\d+)">(.*?)<\/row>/g)].map((m) => m[2]!);
    expect(rows).toHaveLength(4);
    const csvOut = join(fx.dir, 'results-for-xlsx.csv');
    await runCli(['export', ...local(fx.dir), '--year', '2025', '--format', 'csv', '--out', csvOut]);
    const csv = readFileSync(csvOut, 'utf8')
      .replace(/^\uFEFF/, '')
      .split('\r\n');
    const head = csv[0]!.split(',');
    // Every header cell, in the CSV's order, as bold text.
    const headCells = [
      ...rows[0]!.matchAll(/<c r="([A-Z]+)1" s="1" t="inlineStr"><is><t xml:space="preserve">([^<]*)</g),
    ];
    expect(headCells.map((m) => m[2])).toEqual(head);
    // The first zone: rank 1 and its score as numbers, its Chinese name as text.
    expect(rows[1]).toMatch(/^<c r="A2"><v>1<\/v><\/c>/);
    const score = head.indexOf('score');
    const scoreCell = new RegExp(`<c r="${String.fromCharCode(65 + score)}2"><v>(-?[\\d.e+-]+)</v></c>`);
    expect(Number(rows[1]!.match(scoreCell)?.[1])).toBeGreaterThan(0);
    expect(sheet).toContain(`<t xml:space="preserve">${zones[0]!.nameZh}</t>`);
    expect(sheet).toContain('<t xml:space="preserve">=IMPORTXML(&quot;x&quot;)</t>');
    expect(sheet).not.toContain('<f>');
  });

  it('refuses xlsx without --out, and another year, in one line', async () => {
    const x = await runCli(['export', ...local(fx.dir), '--year', '2025', '--format', 'xlsx']);
    expect(x.code).toBe(2);
    expect(x.stderr).toBe(
      'zone-eval export: --format xlsx writes a file: name it with --out, e.g. --out results.xlsx',
    );
    const y = await runCli(['export', ...local(fx.dir), '--year', '2024', '--format', 'csv']);
    expect(y.code).toBe(2);
    expect(y.stderr).toContain('published results for 2025, not 2024');
  });
});

describe('recompute', () => {
  it("asks one zone's sheet to sync (caller manual) and reads it, and counts a run request", async () => {
    const before = await (async () => {
      const s = await openStack(fx.dir);
      try {
        return (await s.store.getEvaluationState(E))!.requested;
      } finally {
        await s.close();
      }
    })();
    const r = await runCli(['recompute', ...local(fx.dir), '--zone', Z2]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('asked 1 spreadsheet to sync');
    expect(r.stdout).toMatch(
      /local: read 1 spreadsheet; evaluate (scored|unchanged): run \d+, (published|already-published)/,
    );
    const s = await openStack(fx.dir);
    try {
      const revs = await s.store.listRevisions(E, Z2);
      const state = (await s.store.getEvaluationState(E))!;
      // The sync's own request plus the command's.
      expect(state.requested).toBe(before + 2);
      const sheet = (await s.store.listSheets(E)).find((x) => x.zoneId === Z2)!;
      expect(sheet.synced).toBe(sheet.requested);
      expect(revs.length).toBeGreaterThan(0);
    } finally {
      await s.close();
    }
  });

  it('refuses an unknown zone with the closest', async () => {
    const r = await runCli(['recompute', ...local(fx.dir), '--zone', Z2.slice(0, -1)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`(did you mean ${Z2}?)`);
  });
});

describe('status of the sign-off, the freeze, late edits and a draft', () => {
  const signedAt = '2026-04-01T02:00:00.000Z';
  beforeAll(async () => {
    const s = await openStack(fx.dir);
    try {
      const latest = (await s.store.latestRun(E))!.seq;
      await s.store.setGovernance(E, {
        freeze: '2020-01-01T00:00:00.000Z',
        signOff: { year: 2025, run: fx.runSeq, by: 'admin@mofcom.test', at: signedAt },
        draft: { version: 'abcdef012345abcdef012345', editor: 'method@mofcom.test', at: signedAt },
      });
      expect(latest).toBeGreaterThanOrEqual(fx.runSeq);
      // Z3's official edits after the freeze: kept as a late revision, waiting for accept-late.
      await typeAs(s, Z3, fx.prov.sheets.get(Z3)!, 'T03', '31');
      await s.store.requestSheet(E, fx.prov.sheets.get(Z3)!);
      const o = await syncSheet(
        {
          evaluationId: E,
          spreadsheetId: fx.prov.sheets.get(Z3)!,
          caller: 'trigger',
          editor: officialOf(Z3),
        },
        { store: s.store, reader: s.reader, feedback: s.feedback, files: s.files, log: silentLogger },
      );
      expect(o).toMatchObject({ status: 'synced', late: expect.any(Number) });
    } finally {
      await s.close();
    }
  }, 30_000);

  it('gives them in JSON: the sign-off with who, when and which run, the freeze, the late zone, the draft', async () => {
    const r = await runCli(['status', ...local(fx.dir), '--format', 'json']);
    expect(r.stderr).toBe('');
    const g = JSON.parse(r.stdout).governance;
    expect(g.signOff).toEqual({ year: 2025, run: fx.runSeq, by: 'admin@mofcom.test', at: signedAt });
    expect(g.freeze).toBe('2020-01-01T00:00:00.000Z');
    expect(g.lateWaiting).toEqual([
      { zoneId: Z3, revision: expect.any(Number), at: expect.any(String), editor: officialOf(Z3) },
    ]);
    expect(g.draft).toMatchObject({ version: 'abcdef012345abcdef012345', editor: 'method@mofcom.test' });
  });

  it('prints them as lines an admin acts on', async () => {
    const r = await runCli(['status', ...local(fx.dir)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(`^sign-off: run ${fx.runSeq} for 2025 by admin@mofcom\\.test at ${signedAt}`, 'm'),
    );
    expect(r.stdout).toMatch(/^freeze: 2020-01-01T00:00:00\.000Z \(passed: edits are kept as late\)$/m);
    expect(r.stdout).toMatch(
      new RegExp(
        `^late edits waiting: 1 \\(zone-eval accept-late --zone ID\\): ${Z3} rev \\d+ at \\S+ by `,
        'm',
      ),
    );
    expect(r.stdout).toMatch(
      /^methodology draft waiting: abcdef012345abcdef012345 by method@mofcom\.test at .*Preview tab/m,
    );
  });
});

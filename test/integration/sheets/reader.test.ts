import { compileMethodology, indicatorSchema } from '../../../lib/core/methodology';
import { type Emulator, startEmulator } from '../../../lib/local/emulator';
import {
  buildControlTabs,
  buildFormRows,
  createSpreadsheet,
  type GoogleClients,
  GoogleFeedbackWriter,
  GoogleSpreadsheetReader,
  QuotaExhaustedError,
  SpreadsheetAccessError,
  SpreadsheetNotFoundError,
} from '../../../lib/sheets';
import { BOT, clientsFor, methodology, OFFICIAL, placeIn } from './fixtures';

let emu: Emulator;
let clients: GoogleClients;
let reader: GoogleSpreadsheetReader;

beforeAll(async () => {
  emu = await startEmulator({ quota: 'off' });
  clients = clientsFor(emu);
  reader = new GoogleSpreadsheetReader(clients);
});
afterAll(() => emu.close());
afterEach(() => emu.faults.clear());

/** A zone form created by the service account, shared with the official, with a Feedback tab already written. */
async function zoneForm(zoneId = 'hangzhou'): Promise<string> {
  const { spreadsheetId } = await createSpreadsheet(
    clients,
    `Zone ${zoneId}`,
    [buildFormRows({ zoneId, nameEn: 'Hangzhou', nameZh: '杭州' }, methodology)],
    placeIn(emu),
  );
  emu.share(spreadsheetId, OFFICIAL, 'writer');
  await new GoogleFeedbackWriter(clients).writeFeedback(spreadsheetId, [['Status', 'not yet synced']], null);
  return spreadsheetId;
}

/** Row of an indicator on the form built from the default methodology (zone indicators start on row 3). */
function rowOf(code: string): number {
  const zone = methodology.indicators.filter((i) => i.source === 'zone');
  return 3 + zone.findIndex((i) => i.code === code);
}

function sheetsRequests(spreadsheetId: string): number {
  return emu.requestCount({ route: 'sheets.*', spreadsheetId });
}

describe('reading a zone form', () => {
  test('takes one request, with the Feedback tab found in the same answer', async () => {
    const id = await zoneForm();
    const before = sheetsRequests(id);

    const form = await reader.readForm(id, methodology, { expectedZoneId: 'hangzhou' });

    expect(sheetsRequests(id) - before).toBe(1);
    expect(form.zoneId).toBe('hangzhou');
    expect(form.feedbackTab).not.toBeNull();
    expect(form.problems).toEqual([]);
    expect(form.rows).toHaveLength(methodology.indicators.filter((i) => i.source === 'zone').length);
  });

  test('reads 17.35% typed by a person, 17.35 typed as a number and 0.1735 typed plainly for what each is', async () => {
    // Three forms: a cell keeps its PERCENT format after it is retyped, which is a different case.
    const r = rowOf('T01');
    const [a, b, c] = [await zoneForm(), await zoneForm(), await zoneForm()];
    await emu.editAsPerson(a, OFFICIAL, `Form!D${r}`, [['17.35%']]);
    await emu.editAsPerson(b, OFFICIAL, `Form!D${r}`, [['17.35']]);
    await emu.editAsPerson(c, OFFICIAL, `Form!D${r}`, [['0.1735']]);

    const typedPercent = await reader.readForm(a, methodology);
    const typedNumber = await reader.readForm(b, methodology);
    const typedFraction = await reader.readForm(c, methodology);

    const t01 = (f: typeof typedPercent) => f.rows.find((x) => x.code === 'T01');
    expect(t01(typedPercent)?.cell).toEqual({
      value: 0.1735,
      text: '17.35%',
      formatType: 'PERCENT',
      error: null,
    });
    expect(t01(typedPercent)?.parsed).toMatchObject({ ok: true, value: 17.35 });
    expect(t01(typedNumber)?.cell).toMatchObject({ value: 17.35, formatType: null });
    expect(t01(typedNumber)?.parsed).toMatchObject({ ok: true, value: 17.35 });
    expect(t01(typedFraction)?.parsed).toMatchObject({ ok: true, value: 0.1735 });
  });

  test('reads scaled amounts, full-width digits and N/A as an official types them', async () => {
    const id = await zoneForm();
    const money = methodology.indicators.find((i) => i.source === 'zone' && i.unit === '10,000 yuan')!;
    const count = methodology.indicators.find((i) => i.source === 'zone' && i.unit === 'count')!;
    await emu.editAsPerson(id, OFFICIAL, `Form!D${rowOf(money.code)}`, [['1,092.47亿']]);
    await emu.editAsPerson(id, OFFICIAL, `Form!D${rowOf(count.code)}`, [['１２３']]);
    await emu.editAsPerson(id, OFFICIAL, `Form!D${rowOf('T01')}`, [['N/A']]);

    const form = await reader.readForm(id, methodology);
    const by = (c: string) => form.rows.find((x) => x.code === c)?.parsed;

    expect(by(money.code)).toMatchObject({ ok: true, value: 10924700 });
    expect(by(count.code)).toMatchObject({ ok: true, value: 123 });
    expect(by('T01')).toMatchObject({ ok: true, value: null });
  });

  test('reads formula errors as refused values with the error type', async () => {
    const id = await zoneForm();
    await emu.editAsPerson(id, OFFICIAL, `Form!D${rowOf('T03')}:D${rowOf('T04')}`, [
      ['=1/0'],
      ['=NOSUCHFUNCTION(1)'],
    ]);

    const form = await reader.readForm(id, methodology);
    const t03 = form.rows.find((x) => x.code === 'T03');
    const t04 = form.rows.find((x) => x.code === 'T04');

    expect(t03?.cell).toMatchObject({ error: 'DIVIDE_BY_ZERO', text: '#DIV/0!' });
    expect(t03?.parsed).toMatchObject({ ok: false, problem: 'formula-error' });
    expect(t04?.cell.error).toBe('NAME');
    expect(t04?.parsed).toMatchObject({ ok: false, problem: 'formula-error' });
  });

  test('reports a renamed Form tab as a problem naming the tab found', async () => {
    const id = await zoneForm();
    await clients.sheets.spreadsheets.batchUpdate({
      spreadsheetId: id,
      requestBody: {
        requests: [
          { updateSheetProperties: { properties: { sheetId: 0, title: 'Form (old)' }, fields: 'title' } },
        ],
      },
    });

    const form = await reader.readForm(id, methodology);

    expect(form.rows).toEqual([]);
    expect(form.problems).toEqual([expect.objectContaining({ kind: 'missing-tab', at: 'Form' })]);
    expect(form.problems[0]?.message).toContain('“Form (old)”');
  });

  test('reports a form whose zone id disagrees with the control sheet', async () => {
    const id = await zoneForm('ningbo');

    const form = await reader.readForm(id, methodology, { expectedZoneId: 'hangzhou' });

    expect(form.problems).toEqual([
      expect.objectContaining({ kind: 'zone-mismatch', at: 'Form!B1', severity: 'error' }),
    ]);
  });

  test('reports a value typed for an indicator a central department supplies', async () => {
    const central = methodology.indicators.find((i) => i.source !== 'zone')!;
    const { spreadsheetId } = await createSpreadsheet(
      clients,
      'Zone with a central row',
      [
        buildFormRows(
          { zoneId: 'hangzhou' },
          { indicators: [...methodology.indicators.slice(0, 2), { ...central, source: 'zone' }] },
        ),
      ],
      placeIn(emu),
    );

    const form = await reader.readForm(spreadsheetId, {
      indicators: [...methodology.indicators.slice(0, 2), central],
    });

    expect(form.problems.filter((p) => p.kind === 'other-source')).toEqual([]);
    await emu.writeAs(BOT, spreadsheetId, 'Form!D5', [[42]]);
    const again = await reader.readForm(spreadsheetId, {
      indicators: [...methodology.indicators.slice(0, 2), central],
    });
    expect(again.problems).toEqual([
      expect.objectContaining({ kind: 'other-source', at: 'Form!D5', code: central.code }),
    ]);
  });

  test('reads a 10,000-row form in one request', async () => {
    const indicators = Array.from({ length: 10_000 }, (_, i) =>
      indicatorSchema.parse({ code: `I${String(i).padStart(5, '0')}`, unit: 'count' }),
    );
    const values = Object.fromEntries(indicators.map((ind, i) => [ind.code, i % 3 === 0 ? `${i}` : i]));
    const { spreadsheetId } = await createSpreadsheet(
      clients,
      'Big form',
      [buildFormRows({ zoneId: 'big' }, { indicators }, values)],
      placeIn(emu),
    );
    await new GoogleFeedbackWriter(clients).writeFeedback(spreadsheetId, [['Status', 'not yet synced']]);
    const before = sheetsRequests(spreadsheetId);

    const form = await reader.readForm(spreadsheetId, { indicators });

    expect(sheetsRequests(spreadsheetId) - before).toBe(1);
    expect(form.rows).toHaveLength(10_000);
    expect(form.rows[9_999]).toMatchObject({ a1: 'Form!D10002', parsed: { ok: true, value: 9_999 } });
    expect(form.problems).toEqual([]);
  });
});

describe('system faults', () => {
  test('a spreadsheet no longer shared with the service account is a SpreadsheetAccessError', async () => {
    const { spreadsheetId } = emu.createSpreadsheetAs(OFFICIAL, { sheets: [{ title: 'Form' }] });

    await expect(reader.readForm(spreadsheetId, methodology)).rejects.toBeInstanceOf(SpreadsheetAccessError);
  });

  test('a deleted spreadsheet is a SpreadsheetNotFoundError', async () => {
    const id = await zoneForm();
    await clients.drive.files.delete({ fileId: id, supportsAllDrives: true });

    await expect(reader.readForm(id, methodology)).rejects.toBeInstanceOf(SpreadsheetNotFoundError);
  });

  test('a storm of 429s ends in a correct read', async () => {
    const id = await zoneForm();
    await emu.editAsPerson(id, OFFICIAL, `Form!D${rowOf('T02')}`, [['yes']]);
    const storm = emu.faults.rateLimit('sheets.spreadsheets.get', 4, { spreadsheetId: id });

    const form = await reader.readForm(id, methodology);

    expect(storm.hits).toBe(4);
    expect(form.rows.find((r) => r.code === 'T02')?.parsed).toEqual({ ok: true, value: 1 });
  });

  test('a 429 that outlasts every retry is a QuotaExhaustedError', async () => {
    const id = await zoneForm();
    const impatient = new GoogleSpreadsheetReader(
      clientsFor(emu, BOT, { retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 } }),
    );
    emu.faults.rateLimit('sheets.spreadsheets.get', 10, { spreadsheetId: id });

    await expect(impatient.readForm(id, methodology)).rejects.toBeInstanceOf(QuotaExhaustedError);
  });

  test('5xx answers and dropped connections are retried', async () => {
    const id = await zoneForm();
    emu.faults.error('sheets.spreadsheets.get', 503, { times: 1, spreadsheetId: id });
    emu.faults.drop('sheets.spreadsheets.get', { times: 1, spreadsheetId: id });

    const form = await reader.readForm(id, methodology);

    expect(form.problems).toEqual([]);
  });

  test('pacing keeps a burst of reads under the quota, so no 429 is ever answered', async () => {
    const id = await zoneForm();
    emu.setQuota({ reads: 4, writes: 4, windowMs: 400 });
    try {
      const paced = new GoogleSpreadsheetReader(
        clientsFor(emu, 'paced@project.iam.gserviceaccount.com', {
          pace: { 'sheets.read': { limit: 4, windowMs: 450 } },
        }),
      );
      emu.share(id, 'paced@project.iam.gserviceaccount.com', 'writer');
      emu.resetRequests();

      for (let i = 0; i < 10; i++) await paced.readForm(id, methodology);

      const statuses = emu
        .requests()
        .filter((r) => r.caller.startsWith('paced@'))
        .map((r) => r.status);
      expect(statuses).toHaveLength(10);
      expect(statuses.every((s) => s === 200)).toBe(true);
    } finally {
      emu.setQuota('off');
    }
  });
});

describe('reading the control spreadsheet', () => {
  test('reads the five tabs in one request into a methodology that compiles', async () => {
    const zones = [
      {
        zoneId: 'hangzhou',
        nameEn: 'Hangzhou',
        nameZh: '杭州',
        province: 'Zhejiang',
        batch: 1,
        editors: [OFFICIAL],
      },
    ];
    const { spreadsheetId } = await createSpreadsheet(
      clients,
      'Control',
      buildControlTabs(methodology, zones),
      placeIn(emu),
    );
    const before = sheetsRequests(spreadsheetId);

    const control = await reader.readControl(spreadsheetId);
    const compiled = compileMethodology(control.methodology);

    expect(sheetsRequests(spreadsheetId) - before).toBe(1);
    expect(control.problems).toEqual([]);
    expect(control.zones).toEqual(zones);
    expect(compiled.ok && compiled.methodology.spec).toEqual(methodology);
  });

  test('a deleted tab is a problem and the others are still read', async () => {
    const { spreadsheetId, tabIds } = await createSpreadsheet(
      clients,
      'Control',
      buildControlTabs(methodology, []),
      placeIn(emu),
    );
    await clients.sheets.spreadsheets.batchUpdate({
      spreadsheetId,
      requestBody: { requests: [{ deleteSheet: { sheetId: tabIds['Grades']! } }] },
    });

    const control = await reader.readControl(spreadsheetId);

    expect(control.problems).toEqual([
      expect.objectContaining({ kind: 'missing-tab', at: 'Grades', severity: 'warning' }),
    ]);
    expect(control.methodology['indicators']).toHaveLength(methodology.indicators.length);
  });
});

describe('reading a central department tab', () => {
  test('reads zone rows keyed by indicator code', async () => {
    const customs = methodology.indicators.filter((i) => i.source === 'central:customs').map((i) => i.code);
    const { spreadsheetId } = emu.createSpreadsheetAs(BOT, {
      sheets: [
        {
          title: 'customs',
          values: [
            ['zone_id', ...customs],
            ['hangzhou', ...customs.map((_, i) => `${i + 1}`)],
          ],
        },
      ],
    });

    const central = await reader.readCentral(spreadsheetId, 'customs', methodology);

    expect(central.problems).toEqual([]);
    expect(central.codes).toEqual(customs);
    expect(central.rows[0]?.cells[customs[0]!]?.parsed).toMatchObject({ ok: true, value: 1 });
  });

  test('with the zone ids, a misspelt zone, a repeated zone and a misspelt code are errors naming the closest', async () => {
    const customs = methodology.indicators.filter((i) => i.source === 'central:customs').map((i) => i.code);
    const first = customs[0]!;
    const typo = `${first}x`;
    const { spreadsheetId } = emu.createSpreadsheetAs(BOT, {
      sheets: [
        {
          title: 'customs',
          values: [
            ['zone_id', ...customs, typo],
            ['hangzhuo', ...customs.map(() => '1'), '1'],
            ['ningbo', ...customs.map(() => '2'), '2'],
            ['ningbo', ...customs.map(() => '3'), '3'],
            ['tianjin', ...customs.map(() => '4'), '4'],
          ],
        },
      ],
    });

    const central = await reader.readCentral(spreadsheetId, 'customs', methodology, {
      zoneIds: ['hangzhou', 'ningbo', 'tianjin'],
    });

    expect(central.rows.map((r) => r.zoneId)).toEqual(['tianjin']);
    expect(central.problems.map((p) => [p.kind, p.severity, p.code])).toEqual([
      ['unknown-code', 'error', typo],
      ['unknown-zone', 'error', 'hangzhuo'],
      ['duplicate-row', 'error', 'ningbo'],
    ]);
    expect(central.problems[0]?.message).toContain(`(did you mean “${first}”?)`);
    expect(central.problems[1]?.message).toContain('(did you mean “hangzhou”?)');
  });
});

/**
 * Emulator benchmarks: the read a sync makes of a 45-row zone form through Google's own client, and sustained
 * values.get throughput over keep-alive HTTP with client and server sharing one core (so a conservative figure).
 */
import { Agent, request } from 'node:http';
import { auth, sheets } from '@googleapis/sheets';
import { startEmulator } from '../local/emulator';
import { checksum, type Figure, median, type Suite } from './types';

const OWNER = 'bench@example.com';

function formRows(): unknown[][] {
  const rows: unknown[][] = [['code', 'indicator', 'unit', 'value', 'note']];
  for (let i = 1; i <= 45; i++) {
    const value = i % 9 === 0 ? '17.35%' : i % 7 === 0 ? '1,092.47' : i % 11 === 0 ? 'N/A' : String(i * 3.5);
    rows.push([
      `I${String(i).padStart(2, '0')}`,
      `Indicator ${i}`,
      i % 2 ? '%' : 'CNY 100m',
      value,
      i % 5 ? '' : 'estimate',
    ]);
  }
  return rows;
}

async function timeMany(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await fn();
    out.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return out;
}

function get(agent: Agent, port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, agent, headers: { authorization: `Bearer ${OWNER}` } },
      (res) => {
        let size = 0;
        res.on('data', (c: Buffer) => (size += c.length));
        res.on('end', () =>
          res.statusCode === 200 ? resolve(size) : reject(new Error(`status ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

export const suite: Suite = {
  name: 'emulator',
  async run(log) {
    const emu = await startEmulator({ quota: 'off' });
    try {
      const { spreadsheetId } = emu.createSpreadsheetAs(OWNER, {
        title: 'Bench zone',
        sheets: [{ title: 'Form', values: formRows() }, { title: 'Feedback' }],
      });
      const oauth = new auth.OAuth2();
      oauth.setCredentials({ access_token: OWNER });
      const api = sheets({ version: 'v4', rootUrl: emu.url, auth: oauth, fetchImplementation: fetch });

      const batchGet = () => api.spreadsheets.values.batchGet({ spreadsheetId, ranges: ['Form!A1:E46'] });
      await timeMany(50, batchGet);
      const bg = await timeMany(300, batchGet);
      const bgData = (await batchGet()).data.valueRanges?.[0]?.values ?? [];
      log(`values:batchGet of a 45-row form: median ${median(bg).toFixed(3)} ms`);

      const gridRead = () =>
        api.spreadsheets.get({
          spreadsheetId,
          ranges: ['Form!A1:E46'],
          includeGridData: true,
          fields:
            'sheets(properties.title,data.rowData.values(effectiveValue,formattedValue,effectiveFormat.numberFormat.type))',
        });
      await timeMany(50, gridRead);
      const gd = await timeMany(300, gridRead);
      const gdCells = (await gridRead()).data.sheets?.[0]?.data?.[0]?.rowData?.length ?? 0;
      log(`spreadsheets.get includeGridData of the same form: median ${median(gd).toFixed(3)} ms`);

      const agent = new Agent({ keepAlive: true, maxSockets: 16 });
      const path = `/v4/spreadsheets/${spreadsheetId}/values/${encodeURIComponent('Form!A1:E46')}`;
      const seconds = 2;
      const end = Date.now() + seconds * 1000;
      let done = 0;
      let bytes = 0;
      const t0 = process.hrtime.bigint();
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (Date.now() < end) {
            bytes += await get(agent, emu.port, path);
            done++;
          }
        }),
      );
      const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
      agent.destroy();
      const rps = done / elapsed;
      log(
        `values.get sustained: ${rps.toFixed(0)} requests/s (${done} in ${elapsed.toFixed(2)} s, 16 in flight)`,
      );

      const figures: Figure[] = [
        {
          key: 'emulator_batchget_ms',
          value: median(bg),
          unit: 'ms',
          checksum: checksum(bgData.flat().map(String)),
          note: 'values:batchGet Form!A1:E46 via @googleapis/sheets, median of 300',
        },
        {
          key: 'emulator_griddata_ms',
          value: median(gd),
          unit: 'ms',
          checksum: checksum([gdCells]),
          note: 'spreadsheets.get includeGridData with the sync field mask, median of 300',
        },
        {
          key: 'emulator_rps',
          value: rps,
          unit: 'req/s',
          checksum: checksum([bytes / Math.max(done, 1)]),
          note: 'values.get over keep-alive HTTP, client in the same process',
        },
      ];
      return figures;
    } finally {
      await emu.close();
    }
  },
};

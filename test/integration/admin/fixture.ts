/**
 * A local stack left in a directory as a demo leaves it: three zones provisioned, the control sheet installed, the
 * zones' forms read, an official's refused value and a later accepted one, and a published run standing in for
 * the evaluate stage's (the run record holds a results document of the shape lib/pipeline/results writes).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localDataPaths } from '../../../lib/cli/backend';
import { loadDefaultEvaluation } from '../../../lib/local/default-evaluation';
import { officialOf, type Provisioned, provisionEvaluation } from '../../../lib/local/seed';
import { type LocalStack, startLocalStack } from '../../../lib/local/stack';
import { syncControl } from '../../../lib/pipeline/control';
import { silentLogger } from '../../../lib/pipeline/log';
import { syncSheet } from '../../../lib/pipeline/sync';

export const E = 'admin2025';
export const ev = loadDefaultEvaluation(7);
export const zones = ev.zones.slice(0, 3);
export const [Z1, Z2, Z3] = zones.map((z) => z.zoneId) as [string, string, string];

export type Fixture = { dir: string; prov: Provisioned; runSeq: number; cleanup(): void };

export async function openStack(dir: string): Promise<LocalStack> {
  const paths = localDataPaths(dir);
  return startLocalStack({
    emulator: { dataDir: paths.emulator, quota: 'off' },
    dynamoPath: paths.dynamo,
    calls: { retry: { baseDelayMs: 5, maxDelayMs: 20 }, pace: false },
  });
}

/** The row of an indicator on a form (1-based), as the layout writes it: zone row, header row, then indicators. */
export const rowOf = (code: string) =>
  3 +
  ev.methodology.indicators.filter((i) => (i.source ?? 'zone') === 'zone').findIndex((i) => i.code === code);

export async function typeAs(
  stack: LocalStack,
  zoneId: string,
  spreadsheetId: string,
  code: string,
  text: string,
) {
  await stack.clientsAs(officialOf(zoneId)).sheets.spreadsheets.values.update({
    spreadsheetId,
    range: `Form!D${rowOf(code)}`,
    valueInputOption: 'USER_ENTERED',
    requestBody: { values: [[text]] },
  });
}

export async function buildFixture(): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'zone-eval-admin-'));
  const stack = await openStack(dir);
  try {
    const prov = await provisionEvaluation(stack, ev.methodology.spec, zones, (z) =>
      z === Z1 ? { T01: '12.5', T03: '40' } : { T01: '8', T03: '10' },
    );
    const deps = {
      store: stack.store,
      reader: stack.reader,
      feedback: stack.feedback,
      files: stack.files,
      log: silentLogger,
    };
    await stack.store.requestSheet(E, prov.controlId);
    const control = await syncControl({ evaluationId: E, spreadsheetId: prov.controlId }, deps);
    if (control.status !== 'installed') throw new Error(`control sync: ${JSON.stringify(control)}`);
    const sync = async (zoneId: string, editor: string | null) => {
      const s = prov.sheets.get(zoneId)!;
      await stack.store.requestSheet(E, s);
      return syncSheet({ evaluationId: E, spreadsheetId: s, caller: 'trigger', editor }, deps);
    };
    for (const z of zones) await sync(z.zoneId, null);
    // Zhengzhou's official: a refused value, then an accepted one, then another refused one after the run.
    await typeAs(stack, Z1, prov.sheets.get(Z1)!, 'T03', '12abc');
    await sync(Z1, officialOf(Z1));
    await typeAs(stack, Z1, prov.sheets.get(Z1)!, 'T03', '45');
    await sync(Z1, officialOf(Z1));
    const state = await stack.store.getEvaluationState(E);
    const currents = await stack.store.listCurrent(E);
    const seq = await stack.store.nextRunSeq(E);
    const order = [Z1, Z2, Z3];
    await stack.store.putRun(E, {
      seq,
      requested: state!.requested,
      inputHash: 'h-fixture',
      methodologyVersion: state!.methodologyVersion!,
      engineVersion: 'zone-eval-engine/1',
      createdAt: new Date().toISOString(),
      results: {
        evaluationId: E,
        name: 'Fixture',
        year: 2025,
        grades: [
          { code: 'A', label: 'Obvious results', labelZh: '成效明显', colour: '#1a9850' },
          { code: 'B', label: 'Good results', labelZh: '成效较好', colour: null },
        ],
        aggregates: [{ code: 'D01', nameEn: null, nameZh: null }],
        indicators: [
          { code: 'T01', nameEn: null, nameZh: null, unit: '%', source: 'zone' },
          { code: 'T03', nameEn: null, nameZh: null, unit: 'count', source: 'zone' },
        ],
        zones: order.map((zoneId, k) => {
          const z = zones.find((x) => x.zoneId === zoneId)!;
          const cur = currents.find((c) => c.zoneId === zoneId)!;
          return {
            zoneId,
            nameEn: k === 2 ? '=IMPORTXML("x")' : z.nameEn,
            nameZh: z.nameZh,
            province: z.provinceEn,
            batch: z.batch,
            rank: k + 1,
            score: 90 - k * 10,
            grade: k === 0 ? 'A' : 'B',
            previous: null,
            dimensions: { D01: 50 - k },
            values: { T01: cur.values.T01?.value ?? null, T03: cur.values.T03?.value ?? null },
            uncertainty: { median: k + 1, q05: k + 1, q95: k + 2, grades: {} },
            quality: {
              revision: cur.revSeq,
              spreadsheetId: cur.spreadsheetId,
              lastEditAt: null,
              lastEditor: null,
            },
          };
        }),
      },
    });
    await stack.store.setCurrentRun(E, seq);
    await stack.store.markPublished(E, seq);
    // After the run: one more refused attempt, which the run cannot have used.
    await typeAs(stack, Z1, prov.sheets.get(Z1)!, 'T01', 'lots');
    await sync(Z1, officialOf(Z1));
    return { dir, prov, runSeq: seq, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  } finally {
    await stack.close();
  }
}

/** The options every admin command gets in these tests. */
export const local = (dir: string) => ['--evaluation', E, '--local', '--data-dir', dir];

/**
 * Sync benchmarks on the local stack (emulator over HTTP, dynalite, the real adapters): Sheets requests and time
 * per edit of one 45-row form, and a full sync of the 105 zones with the emulator's quota off.
 */
import { loadDefaultEvaluation } from '../local/default-evaluation';
import { officialOf, provisionEvaluation } from '../local/seed';
import { startLocalStack } from '../local/stack';
import { mapLimit } from '../pipeline/concurrency';
import { syncControl } from '../pipeline/control';
import { silentLogger } from '../pipeline/log';
import { syncSheet } from '../pipeline/sync';
import { checksum, type Figure, median, type Suite } from './types';

export const suite: Suite = {
  name: 'sync',
  async run(log) {
    const E = 'bench';
    const ev = loadDefaultEvaluation(11);
    const m = ev.methodology.spec;
    const stack = await startLocalStack({ emulator: { quota: 'off' }, calls: { pace: false } });
    try {
      const typed = (z: string) =>
        Object.fromEntries(Object.entries(ev.demo.values[2025]![z]!).map(([c, cell]) => [c, cell.typed]));
      const t0 = performance.now();
      const prov = await provisionEvaluation(stack, m, ev.zones, typed);
      log(
        `provisioned 105 zone spreadsheets and the control sheet in ${(performance.now() - t0).toFixed(0)} ms`,
      );
      const deps = { store: stack.store, reader: stack.reader, feedback: stack.feedback, log: silentLogger };
      await stack.store.requestSheet(E, prov.controlId);
      await syncControl({ evaluationId: E, spreadsheetId: prov.controlId }, deps);

      // The whole evaluation: every zone signalled once, synced three at a time (the Lambda's concurrency).
      stack.emulator.resetRequests();
      const all = [...prov.sheets.values()];
      const tAll = performance.now();
      const revisions = await mapLimit(all, 3, async (s) => {
        const o = await syncSheet({ evaluationId: E, spreadsheetId: s, caller: 'bench' }, deps);
        return o.status === 'synced' ? (o.revision ?? 0) : -1;
      });
      const allMs = performance.now() - tAll;
      const allRequests = stack.emulator.requestCount({ route: 'sheets.*' });
      log(`synced 105 zones in ${allMs.toFixed(0)} ms with ${allRequests} Sheets requests`);

      // One zone, edit after edit: an official changes a value, the signal arrives, the sync runs.
      const zone = ev.zones[0]!.zoneId;
      const sid = prov.sheets.get(zone)!;
      const row = m.indicators.filter((i) => i.source === 'zone').findIndex((i) => i.code === 'T03') + 3;
      const times: number[] = [];
      const requests: number[] = [];
      for (let k = 0; k < 40; k++) {
        await stack.emulator.editAsPerson(sid, officialOf(zone), `Form!D${row}`, [[String(10 + k)]]);
        await stack.store.requestSheet(E, sid);
        const before = stack.emulator.requestCount({ route: 'sheets.*', spreadsheetId: sid });
        const t = performance.now();
        await syncSheet({ evaluationId: E, spreadsheetId: sid, caller: 'bench' }, deps);
        times.push(performance.now() - t);
        requests.push(stack.emulator.requestCount({ route: 'sheets.*', spreadsheetId: sid }) - before);
      }
      const current = await stack.store.getCurrent(E, zone);
      const figures: Figure[] = [
        {
          key: 'sync_one_zone_requests',
          value: Math.max(...requests),
          unit: 'req',
          budget: 2,
          checksum: checksum(requests),
          note: `${m.indicators.filter((i) => i.source === 'zone').length}-row form, a changed value each time`,
        },
        {
          key: 'sync_one_zone_ms',
          value: median(times),
          unit: 'ms',
          checksum: checksum([current?.revSeq ?? 0, current?.values['T03']?.value ?? -1]),
        },
        { key: 'sync_all_105_requests', value: allRequests, unit: 'req', checksum: checksum(revisions) },
        { key: 'sync_all_105_ms', value: allMs, unit: 'ms', checksum: checksum(revisions) },
      ];
      log(
        `one zone: ${median(times).toFixed(1)} ms median, at most ${Math.max(...requests)} Sheets requests per edit`,
      );
      return figures;
    } finally {
      await stack.close();
    }
  },
};

/**
 * The Preview scores zones as a run does: every zone the version in force maps, with its form's values and the
 * central tabs' (dynalite, the evaluate stage publishing through the emulator).
 */
import type { LocalStack } from '../../../lib/local/stack';
import { evaluateRun } from '../../../lib/pipeline/evaluate';
import { silentLogger } from '../../../lib/pipeline/log';
import { methodologyInForce } from '../../../lib/pipeline/methodology';
import { previewComparison } from '../../../lib/pipeline/preview';
import { ResultsDocSchema } from '../../../lib/pipeline/results';
import { GoogleResultsPublisher } from '../../../lib/sheets';
import { ev, seedEvaluation, smallMethodology, startQuickStack } from './evaluate-fixture';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startQuickStack();
});
afterAll(() => stack.close());

test("the Preview's in-force column is the published run's ranking, central data included", async () => {
  const E = 'preview-central';
  const zones = ev.zones.slice(0, 8).map((z) => z.zoneId);
  const m = smallMethodology(8);
  // The central indicators count: a zone missing one is held back by a gate, so leaving them out would show it.
  expect(m.indicators.some((i) => (i.source ?? 'zone').startsWith('central:'))).toBe(true);
  // One zone has no form values at all: the run still ranks it (on its central values), and so must the Preview.
  await seedEvaluation(stack, E, m, zones, { without: [zones[7]!] });
  const out = await evaluateRun(
    { evaluationId: E, caller: 'test' },
    { store: stack.store, publisher: new GoogleResultsPublisher(stack.google), log: silentLogger },
  );
  if (out.status !== 'scored') throw new Error(JSON.stringify(out));
  const doc = ResultsDocSchema.parse((await stack.store.getRun(E, out.run))?.results);
  const inForce = await methodologyInForce(stack.store, E);
  const basis = {
    inForce: { compiled: inForce.compiled, zones: inForce.record.zones },
    currents: await stack.store.listCurrent(E),
    central: await stack.store.listCentralTabs(E),
  };
  const got = previewComparison(basis, inForce.compiled);
  if (got.status !== 'compared') throw new Error(JSON.stringify(got));
  const published = Object.fromEntries(doc.zones.map((z) => [z.zoneId, [z.rank, z.grade]]));
  const previewed = Object.fromEntries(
    got.comparison.units.map((u) => [u.id, [u.inForce.rank, u.inForce.grade]]),
  );
  expect(previewed).toEqual(published);
  expect(Object.keys(previewed)).toHaveLength(8);
  // Without the central tabs the same zones rank otherwise: the check above depends on them.
  const without = previewComparison({ ...basis, central: [] }, inForce.compiled);
  if (without.status !== 'compared') throw new Error(JSON.stringify(without));
  expect(
    Object.fromEntries(without.comparison.units.map((u) => [u.id, [u.inForce.rank, u.inForce.grade]])),
  ).not.toEqual(published);
});

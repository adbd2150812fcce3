/**
 * `zone-eval demo`: the default evaluation (105 zones, the default methodology) scored on its synthetic data
 * for two years, printed as the graded ranking with the change against the previous year.
 */
import { score } from '../core/score';
import { DEMO_YEARS, demoDataset, loadDefaultEvaluation } from '../local/default-evaluation';
import { intOption, parseOptions } from './args';
import { renderTable } from './text';

export async function run(argv: string[]): Promise<number> {
  const args = parseOptions(argv, { seed: { type: 'string' }, top: { type: 'string' } });
  if (args.help) {
    console.log(
      'usage: zone-eval demo [--seed N] [--top N]\n\nScores the default evaluation on synthetic data.\n\n  --seed N    the seed of the synthetic data, 0 to 4294967295 (default 2025)\n  --top N     print the first N zones (default all)\n  -h, --help  this help',
    );
    return 0;
  }
  const seed = intOption(args.values.seed, 'seed', { min: 0, max: 4_294_967_295 }) ?? 2025;
  const top = intOption(args.values.top, 'top', { min: 1, max: 100_000 }) ?? 105;
  const ev = loadDefaultEvaluation(seed);
  const m = ev.methodology;
  const [prevYear, year] = DEMO_YEARS;
  const t0 = performance.now();
  const prev = score(m, demoDataset(ev, prevYear));
  const cur = score(m, demoDataset(ev, year));
  const ms = performance.now() - t0;
  const prevRank = new Map(prev.units.map((u, i) => [u, prev.rank[i]!]));
  const zone = new Map(ev.zones.map((z) => [z.zoneId, z]));
  const labels = new Map(
    m.spec.grade.grades.map((g) => [g.code, `${g.label ?? g.code} ${g.labelZh ?? ''}`.trim()]),
  );

  console.log(`zone-eval demo: ${m.spec.name ?? 'default evaluation'} ${year}`);
  console.log(`${ev.demo.notice}.`);
  console.log(
    `${cur.units.length} zones, ${m.indicators.length} indicators in ${m.nodes[m.root]!.children.length} dimensions, scored in ${ms.toFixed(1)} ms (two years)\n`,
  );
  const head = ['rank', 'zone', '', 'province', 'batch', 'score', 'change', 'grade'];
  const rows = cur.order.slice(0, top).map((i) => {
    const z = zone.get(cur.units[i]!)!;
    const before = prevRank.get(z.zoneId);
    const change =
      before === undefined
        ? 'new'
        : before === cur.rank[i]
          ? '='
          : `${before > cur.rank[i]! ? '+' : '-'}${Math.abs(before - cur.rank[i]!)}`;
    return [
      String(cur.rank[i]),
      z.nameEn,
      z.nameZh,
      z.provinceEn,
      String(z.batch),
      cur.score[i]!.toFixed(2),
      change,
      labels.get(cur.grade[i] ?? '') ?? '',
    ];
  });
  const right = new Set([0, 4, 5, 6]);
  console.log(renderTable(head, rows, (k) => right.has(k)));
  const counts = cur.log.grade?.counts ?? {};
  console.log(
    `\ngrades: ${m.spec.grade.grades.map((g) => `${g.label ?? g.code} ${counts[g.code] ?? 0}`).join(', ')}`,
  );
  for (const t of cur.log.grade?.ties ?? [])
    console.log(
      `tie at the ${t.boundary} boundary: ${t.unit} shares grade ${t.grade} with ${t.tiedWith} (score ${t.score.toFixed(2)})`,
    );
  const treated = cur.log.treat.map(
    (t) => `${t.indicator} (${t.action === 'winsorised' ? `${t.points.length} winsorised` : t.action})`,
  );
  if (treated.length) console.log(`outliers treated: ${treated.join(', ')}`);
  return 0;
}

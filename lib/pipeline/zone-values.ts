/** How a zone's values are put together for scoring, shared by the evaluate stage and the Preview. */
import type { CentralTab, CurrentValues, SubmittedValue } from './ports';

/**
 * A zone's values as a run scores them: its form's values for the indicators its form supplies, and each central
 * tab's value for the indicators that tab supplies (a form's value for one of those is not used); null when the
 * zone has none. `sources`: each indicator code's source (`zone` or `central:<tab>`). The Preview scores the same.
 */
export function zoneValues(
  zoneId: string,
  cur: Pick<CurrentValues, 'values'> | undefined,
  byTab: ReadonlyMap<string, Pick<CentralTab, 'zones'>>,
  sources: ReadonlyMap<string, string>,
): Record<string, SubmittedValue> | null {
  let values: Record<string, SubmittedValue> | null = null;
  if (cur) {
    values = {};
    for (const [code, v] of Object.entries(cur.values))
      if ((sources.get(code) ?? 'zone') === 'zone') values[code] = v;
  }
  for (const [code, source] of sources) {
    if (!source.startsWith('central:')) continue;
    const v = byTab.get(source.slice('central:'.length))?.zones[zoneId]?.[code];
    if (v !== undefined) (values ??= {})[code] = v;
  }
  return values;
}

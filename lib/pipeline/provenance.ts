/**
 * Per-value provenance of a run: for each value a run scored, the revision that entered it, who and when, so any
 * published number can be traced from the results spreadsheet (its Provenance tab) as `zone-eval trace` traces it.
 *
 * Worked out from a zone's append-only revisions, once: a run whose zone kept the revision the previous run used
 * carries that run's provenance over, so an evaluation reads the revisions only of the zones edited since (one
 * Query each), not of every zone at every run.
 */
import * as z from '../core/zod';
import type { CentralTab, Revision } from './ports';

/** The values of a zone entered by one revision (or one central tab): who and when, and which indicators. */
export const ProvenanceGroupSchema = z.object({
  /** The zone's revision; null for values a central department's tab supplies. */
  revision: z.nullable(z.int()),
  /** The editor the trigger named, else the caller (`manual`, `reconcile`, `seed`), or `central:<tab>`. */
  by: z.nullable(z.string()),
  at: z.nullable(z.string()),
  indicators: z.array(z.string()),
});
export type ProvenanceGroup = z.infer<typeof ProvenanceGroupSchema>;

type Entered = { revision: number | null; by: string | null; at: string | null };

const isRefused = (note: string | undefined) => note?.startsWith('refused:') === true;

/**
 * For each indicator, the revision (up to `upTo`) that entered the value in use: the last one that changed its
 * text or value. A refused attempt never enters a value (the last accepted one stays in use), and a late
 * revision counts only through the revision that accepted it, as the sync and `accept-late` store them. A change
 * of the official's remark alone does not re-enter a value.
 */
export function enteredBy(
  revisions: readonly Revision[],
  upTo: number,
): Map<string, Entered & { sig: string }> {
  const out = new Map<string, Entered & { sig: string }>();
  for (const r of [...revisions].sort((a, b) => a.seq - b.seq)) {
    if (r.seq > upTo) break;
    if (r.late === true) continue;
    for (const [code, v] of Object.entries(r.values)) {
      if (isRefused(v.note)) continue;
      const sig = JSON.stringify([v.text, v.value]);
      if (out.get(code)?.sig === sig) continue;
      out.set(code, { revision: r.seq, by: r.editor ?? r.caller, at: r.at, sig });
    }
  }
  return out;
}

/** Groups per-indicator provenance by revision (oldest first, central tabs last), for the indicators in use. */
export function groupProvenance(
  entered: ReadonlyMap<string, Entered>,
  inUse: readonly string[],
): ProvenanceGroup[] {
  const groups = new Map<string, ProvenanceGroup>();
  for (const code of inUse) {
    const e = entered.get(code);
    if (!e) continue;
    const key = JSON.stringify([e.revision, e.by, e.at]);
    let g = groups.get(key);
    if (!g) {
      g = { revision: e.revision, by: e.by, at: e.at, indicators: [] };
      groups.set(key, g);
    }
    g.indicators.push(code);
  }
  return [...groups.values()].sort(
    (a, b) => (a.revision ?? Number.POSITIVE_INFINITY) - (b.revision ?? Number.POSITIVE_INFINITY),
  );
}

/** What a central tab's values were entered by: the tab's last read, as `central:<tab>`. */
export function centralEntered(tab: Pick<CentralTab, 'tab' | 'updatedAt'>): Entered {
  return { revision: null, by: `central:${tab.tab}`, at: tab.updatedAt };
}

/** Per-indicator provenance back from stored groups (to carry a previous run's over). */
export function ungroup(groups: readonly ProvenanceGroup[]): Map<string, Entered> {
  const out = new Map<string, Entered>();
  for (const g of groups)
    for (const code of g.indicators) out.set(code, { revision: g.revision, by: g.by, at: g.at });
  return out;
}

/**
 * A sync asked again when nothing it depends on has moved since its sheet's last completed read (a replayed or
 * duplicate signal): whether it may stop without reading, and what a read's outcome depends on besides the file.
 *
 * A completed read records, with `synced`, where what it stored and wrote still holds (`SheetState.unchangedAt`):
 * the file's Drive version, the methodology count it read under and, for the control and central sheets, a hash of
 * the rest of the stored state their outcome depends on (`basis`). A later sync asked by a signal that finds all of
 * them equal would read the same content and decide the same things, so it marks the sheet synced and stops: one
 * Drive `files.get` (and, for those two sheets, a few store reads), no Sheets read, no run.
 */
import { contentHash } from '../protocol/hash';
import type { Governance } from './governance';
import type { CentralTab, CurrentValues, EvaluationState, SheetState } from './ports';

/** Where the last completed read's outcome holds (see `SheetState.unchangedAt`). */
export type ReadBasis = NonNullable<SheetState['unchangedAt']>;

/** The same facts taken now, before reading. */
export type BasisNow = { version: string | null; methodologySeq: number; basis?: string };

/**
 * The first half of the decision, all a zone sheet needs besides the methodology count and the cheap half for the
 * others: the sync was asked by a signal (caller `trigger`; the admin's recompute and the reconcile poll read
 * whatever the version says: they are asked to) and the file is at the Drive version the last read recorded.
 */
export function sameFileVersion(
  caller: string | undefined,
  recorded: ReadBasis | undefined,
  version: string | null,
): recorded is ReadBasis {
  return caller === 'trigger' && version !== null && recorded !== undefined && recorded.version === version;
}

/**
 * True when the sync may stop without reading: the file at the recorded version (`sameFileVersion`), the same
 * methodology count, the same `basis` (both absent for a zone sheet), and the last read did not fail (a sheet that
 * was unreadable is named so on the results until a read succeeds again).
 */
export function skipRead(input: {
  caller: string | undefined;
  recorded: ReadBasis | undefined;
  now: BasisNow;
  unreadable?: boolean;
}): boolean {
  const { recorded, now } = input;
  return (
    !input.unreadable &&
    sameFileVersion(input.caller, recorded, now.version) &&
    recorded.methodologySeq === now.methodologySeq &&
    (recorded.basis ?? null) === (now.basis ?? null)
  );
}

/**
 * The Drive version at which what a read stored still holds: the version taken before the read when the sync
 * wrote nothing to the sheet; after its own writes, the version they made when it is exactly `ownWrites` steps past
 * the one read (Drive moves the version on every change, so nobody else's edit came between); else null, and
 * nothing is recorded: the next sync reads.
 */
export function holdsAtVersion(
  readVersion: string | null,
  afterWrites: string | null,
  ownWrites: number,
): string | null {
  if (readVersion === null) return null;
  if (ownWrites === 0) return readVersion;
  return afterWrites !== null && Number(afterWrites) === Number(readVersion) + ownWrites ? afterWrites : null;
}

/**
 * What a control read's outcome depends on besides the sheet's content and the methodology count: the version in
 * force and whether every zone was asked to read again for it (the re-sync), the draft, who put the version in
 * force and when, the freeze, the Preview as last written, and, while there is a draft, the zones' values as stored
 * (the Preview scores the draft on them). `currents` must be given when `governance.draft` is set.
 * `byMethodologist`: whether the read knew its editor to be a methodologist, which decides whether a `live` mark
 * in the sheet counts: a methodologist's signal after a read that did not know so (the reconcile poll's) reads
 * again, and a replay of that signal does not.
 */
export function controlBasis(
  state: Pick<EvaluationState, 'methodologyVersion' | 'resyncedVersion'> | null,
  governance: Pick<Governance, 'draft' | 'live' | 'freeze' | 'previewHash'>,
  currents: readonly Pick<CurrentValues, 'zoneId' | 'contentHash'>[] | null,
  byMethodologist = false,
): string {
  if (governance.draft !== null && currents === null)
    throw new Error('controlBasis: the zones’ values are part of the basis while there is a draft');
  return contentHash({
    inForce: state?.methodologyVersion ?? null,
    resynced: state?.resyncedVersion ?? null,
    draft: governance.draft,
    live: governance.live,
    freeze: governance.freeze,
    preview: governance.previewHash,
    byMethodologist,
    values:
      governance.draft === null
        ? null
        : [...(currents ?? [])]
            .sort((x, y) => (x.zoneId < y.zoneId ? -1 : x.zoneId > y.zoneId ? 1 : 0))
            .map((c) => [c.zoneId, c.contentHash]),
  });
}

/**
 * What a central read's outcome depends on besides the sheet's content and the methodology count (which gives the
 * tabs, the zones and how cells parse): the stored values of each tab it reads, and which sheet stored them (a
 * refused cell keeps the stored value, an equal hash stores nothing).
 */
export function centralBasis(
  tabs: readonly string[],
  stored: readonly Pick<CentralTab, 'tab' | 'spreadsheetId' | 'contentHash'>[],
): string {
  return contentHash(
    tabs.map((tab) => {
      const t = stored.find((x) => x.tab === tab);
      return [tab, t?.spreadsheetId ?? null, t?.contentHash ?? null];
    }),
  );
}

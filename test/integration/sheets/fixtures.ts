import { randomUUID } from 'node:crypto';
import defaultMethodology from '../../../data/default-methodology.json';
import { type Methodology, methodologySchema } from '../../../lib/core/methodology';
import type { Emulator } from '../../../lib/local/emulator';
import { type CallerOptions, createGoogleClients, type GoogleClients } from '../../../lib/sheets';
import type { Placement } from '../../../lib/sheets/provision';

/** The service account, as the emulator names callers by their bearer token. */
export const BOT = 'zone-eval@project.iam.gserviceaccount.com';
export const OFFICIAL = 'official@hangzhou.gov.cn';

export const methodology: Methodology = methodologySchema.parse(defaultMethodology);

/**
 * Google's real clients pointed at the emulator, with short backoffs so storms of 429s do not slow the tests;
 * `timeoutMs` shortens the per-request timeout, for tests of answers that never come.
 */
export function clientsFor(
  emu: Emulator,
  who = BOT,
  calls: CallerOptions = {},
  timeoutMs?: number,
): GoogleClients {
  return createGoogleClients({
    credentials: { kind: 'bearer', token: who },
    rootUrl: emu.url,
    calls: { pace: false, retry: { baseDelayMs: 5, maxDelayMs: 40 }, ...calls },
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
}

/** The Workspace admin who manages the tests' shared drive. */
export const ADMIN = 'admin@zone-eval.test';

const drives = new WeakMap<Emulator, string>();

/** The emulator's shared drive where the service account is a content manager (DESIGN section 9), made once. */
export function sharedDriveOf(emu: Emulator): string {
  let id = drives.get(emu);
  if (id === undefined) {
    id = emu.createSharedDrive(ADMIN, 'Zone evaluation', { [BOT]: 'fileOrganizer' });
    drives.set(emu, id);
  }
  return id;
}

/** A place for a new spreadsheet in the shared drive's root, under a fresh key. */
export function placeIn(emu: Emulator, key: string = randomUUID()): Placement {
  const driveId = sharedDriveOf(emu);
  return { folderId: driveId, driveId, key };
}

import defaultMethodology from '../../../data/default-methodology.json';
import { type Methodology, methodologySchema } from '../../../lib/core/methodology';
import type { Emulator } from '../../../lib/local/emulator';
import { type CallerOptions, createGoogleClients, type GoogleClients } from '../../../lib/sheets';

/** The service account, as the emulator names callers by their bearer token. */
export const BOT = 'zone-eval@project.iam.gserviceaccount.com';
export const OFFICIAL = 'official@hangzhou.gov.cn';

export const methodology: Methodology = methodologySchema.parse(defaultMethodology);

/** Google's real clients pointed at the emulator, with short backoffs so storms of 429s do not slow the tests. */
export function clientsFor(emu: Emulator, who = BOT, calls: CallerOptions = {}): GoogleClients {
  return createGoogleClients({
    credentials: { kind: 'bearer', token: who },
    rootUrl: emu.url,
    calls: { pace: false, retry: { baseDelayMs: 5, maxDelayMs: 40 }, ...calls },
  });
}

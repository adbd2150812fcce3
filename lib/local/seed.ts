/**
 * Provisioning an evaluation on the local stack as an admin would with Google: a submission spreadsheet per zone
 * (its Form tab, shared with the zone's official) and the control spreadsheet listing the zones and the
 * methodology. Officials' values can be pre-filled, typed as they would type them.
 *
 * As in Google, the service account has no Drive storage (DESIGN section 9): a Workspace admin makes a shared
 * drive with the service account as a content manager, and the service account creates a folder in it and the
 * spreadsheets in that folder, each found again by its key if provisioning is run twice.
 */
import type { Methodology } from '../core/methodology';
import { mapLimit } from '../pipeline/concurrency';
import type { ControlZone } from '../pipeline/ports';
import { buildControlTabs, buildFormRows, FEEDBACK_TAB } from '../sheets';
import { createSpreadsheet, ensureFolder } from '../sheets/provision';
import type { Zone } from './demo-data';
import { type LocalStack, SERVICE_ACCOUNT } from './stack';

/** The demo's stand-in for a zone official's account. */
export const officialOf = (zoneId: string): string => `official@${zoneId}.zone-eval.test`;

/** The Workspace admin who manages the evaluation's shared drive. */
export const DRIVE_ADMIN = 'admin@zone-eval.test';

export type Provisioned = {
  controlId: string;
  /**
   * The results spreadsheet the evaluate stage publishes to, when asked for (record it with the store's
   * `setResultsSpreadsheet` and index it with `indexProvisioned`); null otherwise.
   */
  resultsId: string | null;
  /** Zone id to its submission spreadsheet id. */
  sheets: Map<string, string>;
  zones: ControlZone[];
};

/** The results spreadsheet's first tab until the first publish adds the results tabs next to it. */
const RESULTS_PLACEHOLDER = {
  title: 'About 说明',
  rows: [[{ value: 'Written by zone-eval after each evaluation run. 每次评估后由系统写入。' }]],
  frozenRows: 0,
};

/** Forms created at once while provisioning (the emulator has no quota to respect locally unless asked). */
const PROVISION_CONCURRENCY = 8;

/**
 * Creates the zones' spreadsheets and the control spreadsheet; `typed` pre-fills a zone's form. The control sheet
 * names `methodologists` (by default the drive's admin, who plays every role on the local stack) as those who may
 * put a version in force.
 */
export async function provisionEvaluation(
  stack: Pick<LocalStack, 'google' | 'emulator'>,
  methodology: Methodology,
  zones: readonly Zone[],
  typed?: (zoneId: string) => Readonly<Record<string, string | number | null>> | undefined,
  onProgress?: (done: number, total: number) => void,
  options: { results?: boolean; methodologists?: readonly string[] } = {},
): Promise<Provisioned> {
  const total = zones.length + (options.results ? 2 : 1);
  const sheets = new Map<string, string>();
  const controlZones: ControlZone[] = [];
  const driveId = stack.emulator.createSharedDrive(DRIVE_ADMIN, 'Pilot zone evaluation 综试区评估', {
    [SERVICE_ACCOUNT]: 'fileOrganizer',
  });
  const folderId = await ensureFolder(stack.google, 'Evaluation 评估', {
    folderId: driveId,
    driveId,
    key: 'folder',
  });
  const place = (key: string) => ({ folderId, driveId, key });
  let done = 0;
  // The forms are created a few at a time: each is independent, and one at a time left the emulator waiting on the
  // client's round trips. The control sheet lists them in the zones' order whatever order they finish in.
  const forms = await mapLimit(zones, PROVISION_CONCURRENCY, async (z) => {
    const form = buildFormRows(
      { zoneId: z.zoneId, nameEn: z.nameEn, nameZh: z.nameZh },
      methodology,
      typed?.(z.zoneId),
    );
    // The Feedback tab exists from the start, so that a sync reads both tabs in its one request.
    const feedback = {
      title: FEEDBACK_TAB,
      rows: [[{ value: 'Status 状态' }, { value: 'not read yet 尚未同步' }]],
      frozenRows: 0,
    };
    const { spreadsheetId } = await createSpreadsheet(
      stack.google,
      `${z.nameEn} ${z.nameZh}: submission 填报`,
      [form, feedback],
      place(`zone:${z.zoneId}`),
    );
    stack.emulator.share(spreadsheetId, officialOf(z.zoneId), 'writer');
    onProgress?.(++done, total);
    return spreadsheetId;
  });
  zones.forEach((z, k) => {
    const spreadsheetId = forms[k]!;
    sheets.set(z.zoneId, spreadsheetId);
    controlZones.push({
      zoneId: z.zoneId,
      nameEn: z.nameEn,
      nameZh: z.nameZh,
      province: z.provinceEn,
      batch: z.batch,
      spreadsheetId,
      editors: [officialOf(z.zoneId)],
    });
  });
  const { spreadsheetId: controlId } = await createSpreadsheet(
    stack.google,
    'Control 控制表',
    buildControlTabs(methodology, controlZones, { methodologists: options.methodologists ?? [DRIVE_ADMIN] }),
    place('control'),
  );
  onProgress?.(++done, total);
  let resultsId: string | null = null;
  if (options.results) {
    resultsId = (
      await createSpreadsheet(stack.google, 'Results 评估结果', [RESULTS_PLACEHOLDER], place('results'))
    ).spreadsheetId;
    onProgress?.(++done, total);
  }
  return { controlId, resultsId, sheets, zones: controlZones };
}

/**
 * Provisioning an evaluation on the local stack as an admin would with Google: a submission spreadsheet per zone
 * (its Form tab, shared with the zone's official) and the control spreadsheet listing the zones and the
 * methodology. Officials' values can be pre-filled, typed as they would type them.
 */
import type { Methodology } from '../core/methodology';
import type { ControlZone } from '../pipeline/ports';
import { buildControlTabs, buildFormRows, createSpreadsheet, FEEDBACK_TAB } from '../sheets';
import type { Zone } from './demo-data';
import type { LocalStack } from './stack';

/** The demo's stand-in for a zone official's account. */
export const officialOf = (zoneId: string): string => `official@${zoneId}.zone-eval.test`;

export type Provisioned = {
  controlId: string;
  /** Zone id to its submission spreadsheet id. */
  sheets: Map<string, string>;
  zones: ControlZone[];
};

/** Creates the zones' spreadsheets and the control spreadsheet; `typed` pre-fills a zone's form. */
export async function provisionEvaluation(
  stack: Pick<LocalStack, 'google' | 'emulator'>,
  methodology: Methodology,
  zones: readonly Zone[],
  typed?: (zoneId: string) => Readonly<Record<string, string | number | null>> | undefined,
  onProgress?: (done: number, total: number) => void,
): Promise<Provisioned> {
  const sheets = new Map<string, string>();
  const controlZones: ControlZone[] = [];
  let done = 0;
  for (const z of zones) {
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
    );
    stack.emulator.share(spreadsheetId, officialOf(z.zoneId), 'writer');
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
    onProgress?.(++done, zones.length + 1);
  }
  const { spreadsheetId: controlId } = await createSpreadsheet(
    stack.google,
    'Control 控制表',
    buildControlTabs(methodology, controlZones),
  );
  onProgress?.(++done, zones.length + 1);
  return { controlId, sheets, zones: controlZones };
}

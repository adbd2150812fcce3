/**
 * What the workspace page shows, read the way the rest of the system reads it: the results from the run the
 * evaluate stage stored and published (the document the results spreadsheet is laid out from), the spreadsheets
 * through Google's clients against the emulator, and the loop's progress from the evaluation's counters.
 *
 * Every text here is data: the page renders it as text (client/view.ts), never as markup.
 */

import { type ResultsDoc, ResultsDocSchema } from '../../pipeline/results';
import { quoteTab } from '../../sheets/a1';
import type { GoogleClients } from '../../sheets/client';
import { gradeColours } from '../../sheets/results';
import type { DynamoStore } from '../../store/dynamo-store';
import type { FilesView, ResultsView, SheetView, WorkspaceStatus } from './types';

export type { FilesView, ResultsView, SheetView, WorkspaceStatus } from './types';

/** A grade colour as CSS: the methodology's hex colour, or the default of its place when it is not one. */
const HEX = /^#[0-9a-f]{3}(?:[0-9a-f]{3})?$/i;

/** The loop's progress for one evaluation: edits asked for and scored, the run published. */
export async function workspaceStatus(
  store: Pick<DynamoStore, 'getEvaluationState'>,
  evaluationId: string,
): Promise<WorkspaceStatus> {
  const s = await store.getEvaluationState(evaluationId);
  return {
    evaluationId,
    requested: s?.requested ?? 0,
    scored: s?.scored ?? 0,
    publishedRun: s?.publishedRun ?? null,
    currentRun: s?.currentRun ?? null,
  };
}

/**
 * The results page's data: the published run's results document (best first, with explanations and rank
 * intervals) and the grade colours, or `doc: null` before the first publish.
 *
 * @example (await workspaceResults(store, 'pilot-2025')).doc?.zones[0]?.nameEn // the zone ranked first, as typed
 */
export async function workspaceResults(
  store: Pick<DynamoStore, 'getEvaluationState' | 'getRun'>,
  evaluationId: string,
): Promise<ResultsView> {
  const status = await workspaceStatus(store, evaluationId);
  let doc: ResultsDoc | null = null;
  if (status.publishedRun !== null) {
    const run = await store.getRun(evaluationId, status.publishedRun);
    if (run === null)
      throw new Error(
        `the published run ${status.publishedRun} of ${evaluationId} is missing from the store`,
      );
    doc = ResultsDocSchema.parse(run.results);
  }
  const colours = doc
    ? Object.fromEntries(
        [...gradeColours(doc)].map(([code, colour], k) => [
          code,
          HEX.test(colour) ? colour : (['#1a9850', '#91cf60', '#fee08b', '#fc8d59'][k] ?? '#d73027'),
        ]),
      )
    : {};
  return { status, colours, doc };
}

/** One file of an evaluation as the spreadsheets list shows it. */
export type WorkspaceFile = FilesView['files'][number];

/**
 * The evaluation's spreadsheets: the control, central-data and results spreadsheets, then each zone's form as the
 * methodology in force maps it (so a zone added on the control sheet appears once the control sync ran), each
 * with its Drive version from `fileInfo`.
 */
export async function workspaceFiles(
  store: Pick<DynamoStore, 'getEvaluationState' | 'getMethodology'>,
  evaluation: { evaluationId: string; controlId: string; resultsId: string; centralId: string | null },
  fileInfo: (spreadsheetId: string) => { version: string; modifiedTime: string } | null,
): Promise<FilesView> {
  const state = await store.getEvaluationState(evaluation.evaluationId);
  const record = state?.methodologyVersion
    ? await store.getMethodology(evaluation.evaluationId, state.methodologyVersion)
    : null;
  const files: Omit<WorkspaceFile, 'version' | 'modifiedTime'>[] = [
    { kind: 'control', spreadsheetId: evaluation.controlId, zoneId: null, name: 'Control 控制表' },
    ...(evaluation.centralId
      ? [
          {
            kind: 'central' as const,
            spreadsheetId: evaluation.centralId,
            zoneId: null,
            name: 'Central data 中央部门数据',
          },
        ]
      : []),
    { kind: 'results', spreadsheetId: evaluation.resultsId, zoneId: null, name: 'Results 评估结果' },
    ...(record?.zones ?? []).flatMap((z) =>
      z.spreadsheetId
        ? [
            {
              kind: 'zone' as const,
              spreadsheetId: z.spreadsheetId,
              zoneId: z.zoneId,
              name: `${z.nameEn ?? z.zoneId} ${z.nameZh ?? ''}`.trim(),
            },
          ]
        : [],
    ),
  ];
  return {
    evaluationId: evaluation.evaluationId,
    files: files.map((f) => ({
      ...f,
      version: fileInfo(f.spreadsheetId)?.version ?? null,
      modifiedTime: fileInfo(f.spreadsheetId)?.modifiedTime ?? null,
    })),
  };
}

/**
 * A spreadsheet as grids: every tab's values as a person sees them (formatted), who may edit it (its writers but
 * the service account), and its Drive version. Read as the service account, which can read every file.
 */
export async function workspaceSheet(
  google: GoogleClients,
  spreadsheetId: string,
  serviceAccount: string,
): Promise<SheetView> {
  const meta = await google.sheets.spreadsheets.get({
    spreadsheetId,
    fields: 'properties.title,sheets.properties(title,hidden)',
  });
  const titles = (meta.data.sheets ?? [])
    .filter((s) => !s.properties?.hidden)
    .map((s) => s.properties?.title ?? '')
    .filter((t) => t !== '');
  const values = titles.length
    ? await google.sheets.spreadsheets.values.batchGet({
        spreadsheetId,
        ranges: titles.map(quoteTab),
        valueRenderOption: 'FORMATTED_VALUE',
      })
    : null;
  const [file, permissions] = await Promise.all([
    google.drive.files.get({
      fileId: spreadsheetId,
      fields: 'version,modifiedTime,lastModifyingUser(emailAddress)',
      supportsAllDrives: true,
    }),
    google.drive.permissions.list({
      fileId: spreadsheetId,
      fields: 'permissions(emailAddress,role)',
      supportsAllDrives: true,
    }),
  ]);
  const editors = (permissions.data.permissions ?? [])
    .filter((p) => (p.role === 'writer' || p.role === 'owner') && p.emailAddress)
    .map((p) => p.emailAddress!)
    .filter((e) => e.toLowerCase() !== serviceAccount.toLowerCase());
  return {
    spreadsheetId,
    title: meta.data.properties?.title ?? '',
    version: file.data.version ?? null,
    modifiedTime: file.data.modifiedTime ?? null,
    lastModifyingUser: file.data.lastModifyingUser?.emailAddress ?? null,
    editors: [...new Set(editors)],
    tabs: titles.map((title, k) => ({
      title,
      rows: (values?.data.valueRanges?.[k]?.values ?? []).map((r) => r.map((c) => String(c ?? ''))),
    })),
  };
}

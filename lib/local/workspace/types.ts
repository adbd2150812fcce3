/**
 * The shapes the workspace server sends and the page renders (types only: the browser bundle imports this file).
 */
import type { ResultsDoc } from '../../pipeline/results';

/** An evaluation the workspace holds, as the page's selector lists it. */
export type EvaluationEntry = {
  evaluationId: string;
  year: number;
  controlId: string;
  resultsId: string;
  centralId: string | null;
};

/** The loop's counters: `requested > scored` while edits are on their way to a run. */
export type WorkspaceStatus = {
  evaluationId: string;
  requested: number;
  scored: number;
  publishedRun: number | null;
  currentRun: number | null;
};

export type ResultsView = {
  status: WorkspaceStatus;
  /** Grade code to a CSS hex colour. */
  colours: Record<string, string>;
  /** The published run's results; null before the first publish. */
  doc: ResultsDoc | null;
};

export type FilesView = {
  evaluationId: string;
  files: {
    kind: 'control' | 'central' | 'results' | 'zone';
    spreadsheetId: string;
    zoneId: string | null;
    name: string;
    version: string | null;
    modifiedTime: string | null;
  }[];
};

export type SheetView = {
  spreadsheetId: string;
  title: string;
  version: string | null;
  modifiedTime: string | null;
  lastModifyingUser: string | null;
  /** Who may edit it (writers and owner, the service account left out). */
  editors: string[];
  tabs: { title: string; rows: string[][] }[];
};

/** What the server pushes on its event stream whenever something moved (the page refetches what it shows). */
export type ChangeEvent = {
  /** Evaluation id to its counters. */
  evaluations: Record<string, WorkspaceStatus>;
  /** Spreadsheet id to its Drive version. */
  versions: Record<string, string>;
};

/** The answer to an edit: where it landed and the trigger's signal, or why it was refused. */
export type EditAnswer =
  | { ok: true; updatedRange: string; signal: { status: number | null; error: string | null } | null }
  | { ok: false; status: number; message: string };

export type WorkspaceInfo = { evaluations: EvaluationEntry[]; defaultEvaluation: string };

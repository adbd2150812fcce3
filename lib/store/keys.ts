/**
 * Key scheme of the one table (DESIGN section 5). Every id is checked to contain no '#', so keys parse back.
 *
 *   PK          SK                 item
 *   EVAL#e      STATE              requested, scored, runSeq, currentRun, publishedRun, methodologyVersion
 *   EVAL#e      SHEET#s            zoneId, requested, synced, driveVersion, lastSignalAt, syncedAt
 *   EVAL#e      CUR#z              current values of zone z, revSeq, contentHash (listCurrent: one Query)
 *   EVAL#e      RUN#0000000042     run metadata and gzipped results (Binary `body`)
 *   EVAL#e      RUNPART#0000000042#0001  a slice of a large run's gzipped results (written before its RUN# head)
 *   EVAL#e      CENTRAL#<tab>      a central department's tab: every zone's values for the indicators it supplies
 *   EVAL#e      METH#v             a methodology version in force at some time (immutable; v is a content hash)
 *   HIST#e#z    REV#0000000007     append-only revision: values, who (caller, editor) and when
 *   SHEETIDX#s  INDEX              spreadsheet s -> its evaluation, kind and zone (the webhook's lookup, no GSI)
 */
import { InvalidKeyError } from './errors';

/** Attribute names of the table's primary key; the infrastructure stack and the local table use the same. */
export const PARTITION_KEY = 'PK';
export const SORT_KEY = 'SK';
/**
 * The table's time-to-live attribute (epoch seconds): DynamoDB deletes an item some time after it. Only superseded
 * runs carry it (lib/pipeline/run-retention.ts); the data stack names it in the table's TTL specification.
 */
export const TTL_ATTRIBUTE = 'expiresAt';

export const STATE_SK = 'STATE';
export const SHEET_PREFIX = 'SHEET#';
export const CURRENT_PREFIX = 'CUR#';
export const RUN_PREFIX = 'RUN#';
export const RUN_PART_PREFIX = 'RUNPART#';
export const CENTRAL_PREFIX = 'CENTRAL#';
export const METHODOLOGY_PREFIX = 'METH#';
export const REVISION_PREFIX = 'REV#';

// Ten digits keep lexicographic order equal to numeric order up to 9,999,999,999.
const SEQ_DIGITS = 10;
const MAX_SEQ = 10 ** SEQ_DIGITS - 1;

export interface ItemKey {
  PK: string;
  SK: string;
}

/** Refuses ids that would make keys ambiguous: `HIST#a#b#c` could be two different (evaluation, zone) pairs. */
export function checkId(kind: string, id: string): string {
  if (id.length === 0 || id.includes('#')) {
    throw new InvalidKeyError(
      `${kind} id ${JSON.stringify(id)} cannot be used in a key: it must be non-empty and contain no '#'`,
    );
  }
  return id;
}

/** Zero-pads a sequence number so that sort keys order numerically. */
export function padSeq(seq: number): string {
  if (!Number.isSafeInteger(seq) || seq < 1 || seq > MAX_SEQ) {
    throw new InvalidKeyError(`sequence number ${seq} must be an integer from 1 to ${MAX_SEQ}`);
  }
  return String(seq).padStart(SEQ_DIGITS, '0');
}

/** Reads the sequence number back from a `RUN#`/`REV#` sort key. */
export function seqFromSortKey(sk: string, prefix: string): number {
  return Number(sk.slice(prefix.length));
}

export const evalPk = (evaluationId: string): string => `EVAL#${checkId('evaluation', evaluationId)}`;
export const histPk = (evaluationId: string, zoneId: string): string =>
  `HIST#${checkId('evaluation', evaluationId)}#${checkId('zone', zoneId)}`;

export const stateKey = (e: string): ItemKey => ({ PK: evalPk(e), SK: STATE_SK });
export const sheetKey = (e: string, sheetId: string): ItemKey => ({
  PK: evalPk(e),
  SK: SHEET_PREFIX + checkId('spreadsheet', sheetId),
});
export const currentKey = (e: string, zoneId: string): ItemKey => ({
  PK: evalPk(e),
  SK: CURRENT_PREFIX + checkId('zone', zoneId),
});
export const methodologyKey = (e: string, version: string): ItemKey => ({
  PK: evalPk(e),
  SK: METHODOLOGY_PREFIX + checkId('methodology version', version),
});
export const runKey = (e: string, seq: number): ItemKey => ({ PK: evalPk(e), SK: RUN_PREFIX + padSeq(seq) });
export const revisionKey = (e: string, zoneId: string, seq: number): ItemKey => ({
  PK: histPk(e, zoneId),
  SK: REVISION_PREFIX + padSeq(seq),
});

// ---- spreadsheet index (the webhook's lookup from a spreadsheet id alone) ----

export const SPREADSHEET_INDEX_PREFIX = 'SHEETIDX#';
export const SPREADSHEET_INDEX_SK = 'INDEX';

/** One item per spreadsheet in its own partition: a GetItem by id, no GSI (whose reads are only eventually consistent). */
export const spreadsheetIndexKey = (sheetId: string): ItemKey => ({
  PK: SPREADSHEET_INDEX_PREFIX + checkId('spreadsheet', sheetId),
  SK: SPREADSHEET_INDEX_SK,
});

// ---- evaluate block: run parts and central tabs ----

export const runPartPrefix = (seq: number): string => `${RUN_PART_PREFIX}${padSeq(seq)}#`;
export const runPartKey = (e: string, seq: number, part: number): ItemKey => ({
  PK: evalPk(e),
  SK: runPartPrefix(seq) + String(part).padStart(4, '0'),
});
export const centralKey = (e: string, tab: string): ItemKey => ({
  PK: evalPk(e),
  SK: CENTRAL_PREFIX + checkId('central tab', tab),
});

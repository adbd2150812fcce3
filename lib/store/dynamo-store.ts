import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from '../core/zod';
import {
  EMPTY_GOVERNANCE,
  type Governance,
  GovernanceSchema,
  type GovernanceStore,
} from '../pipeline/governance';
import {
  type CentralStore,
  type CentralTab,
  CentralTabSchema,
  type CurrentValues,
  CurrentValuesSchema,
  type EvaluationState,
  type EvaluationStore,
  type MethodologyRecord,
  MethodologyRecordSchema,
  type PutCurrentOutcome,
  type ResultsSettingsStore,
  type Revision,
  type RevisionDraft,
  RevisionDraftSchema,
  RevisionSchema,
  type RunRecord,
  RunRecordSchema,
  type SeedingStore,
  type SheetState,
  type SpreadsheetIndex,
  type SpreadsheetIndexEntry,
  SpreadsheetIndexEntrySchema,
  type SubmissionStore,
} from '../pipeline/ports';
import { type BatchWriteOptions, batchWriteAll } from './batch';
import {
  ItemExistsError,
  ItemTooLargeError,
  isConditionalCheckFailed,
  RevisionConflictError,
  StoreError,
  StoreRequestError,
} from './errors';
import { itemBytes, MAX_ITEM_BYTES } from './item-size';
import {
  CentralItemSchema,
  CurrentItemSchema,
  MethodologyItemSchema,
  parseInput,
  parseItem,
  plainValues,
  RevisionItemSchema,
  type RunItem,
  RunItemSchema,
  RunPartItemSchema,
  SheetItemSchema,
  SpreadsheetIndexItemSchema,
  StateItemSchema,
  toCurrent,
  toEvaluationState,
  toRevision,
  toSheetState,
} from './items';
import {
  CENTRAL_PREFIX,
  CURRENT_PREFIX,
  centralKey,
  currentKey,
  evalPk,
  histPk,
  type ItemKey,
  methodologyKey,
  REVISION_PREFIX,
  RUN_PREFIX,
  revisionKey,
  runKey,
  runPartKey,
  runPartPrefix,
  SHEET_PREFIX,
  sheetKey,
  spreadsheetIndexKey,
  stateKey,
  TTL_ATTRIBUTE,
} from './keys';
import { decodeRun, encodeRun, epochSeconds, isExpired } from './run-codec';

/**
 * The order of reads kept on a zone's current values (condition fragments over `:m`, `:s`, `:q`): a read made under
 * a newer mapping is later; under the same mapping, a read of another spreadsheet (a seed) or with a higher
 * `requested` snapshot is later. Items written before the markers existed count as earliest.
 */
const LATER_READ =
  '(attribute_not_exists(mappingSeq) OR mappingSeq < :m OR (mappingSeq = :m AND ' +
  '(attribute_not_exists(readSeq) OR spreadsheetId <> :s OR readSeq < :q)))';
const SAME_READ = '(mappingSeq = :m AND spreadsheetId = :s AND readSeq = :q)';

const LatestRevisionSchema = z.object({
  seq: z.int().check(z.positive()),
  contentHash: z.string(),
  spreadsheetId: z.optional(z.nullable(z.string())),
  readSeq: z.optional(z.int().check(z.nonnegative())),
});

export interface DynamoStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Clock for signal and sync times; tests pin it. */
  now?: () => Date;
  batch?: BatchWriteOptions;
  /** How many times `appendRevision` takes a fresh sequence number after losing a race. */
  revisionAttempts?: number;
}

const CounterSchema = z.int().check(z.positive());

/** Reads a counter from UpdateItem's UPDATED_NEW attributes. */
function parseCounter(attributes: Record<string, unknown> | undefined, name: string): number {
  const result = CounterSchema.safeParse(attributes?.[name]);
  if (!result.success) {
    throw new StoreError(
      `counter ${name} came back as ${JSON.stringify(attributes?.[name])}, not a positive integer`,
    );
  }
  return result.data;
}

/** Marks a run kept for good (its reason, e.g. `final`): `expireRun` leaves it alone. */
const KEPT_ATTRIBUTE = 'keptAs';

/** The governance item's sort key, beside STATE under the evaluation. */
const GOVERN_SK = 'GOVERN';
const GOVERNANCE_FIELDS = ['draft', 'live', 'freeze', 'signOff', 'previewHash', 'methodologists'] as const;

/**
 * The storage ports on one DynamoDB table (DESIGN section 5). No transactions: every multi-item sequence is
 * ordered so that a crash between writes leaves a state the counters algorithm repairs by re-running.
 */
export class DynamoStore
  implements
    SubmissionStore,
    EvaluationStore,
    SeedingStore,
    SpreadsheetIndex,
    CentralStore,
    ResultsSettingsStore,
    GovernanceStore
{
  private readonly client: DynamoDBDocumentClient;
  /** The table this store reads and writes (admin commands print it). */
  readonly tableName: string;
  private readonly now: () => Date;
  private readonly batchOptions: BatchWriteOptions;
  private readonly revisionAttempts: number;

  constructor(options: DynamoStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.now = options.now ?? (() => new Date());
    this.batchOptions = options.batch ?? {};
    this.revisionAttempts = options.revisionAttempts ?? 5;
  }

  // ---- spreadsheets ----

  /** Counts a signal for a spreadsheet and returns the new `requested` value. */
  async requestSheet(evaluationId: string, spreadsheetId: string, at: Date = this.now()): Promise<number> {
    return this.increment(sheetKey(evaluationId, spreadsheetId), 'requested', 'lastSignalAt', at);
  }

  /** Reads a spreadsheet's counters, strongly consistent. */
  async getSheetState(evaluationId: string, spreadsheetId: string): Promise<SheetState | null> {
    const item = await this.getItem(sheetKey(evaluationId, spreadsheetId), 'sheet');
    return item === undefined ? null : toSheetState(parseItem(SheetItemSchema, item, 'sheet'));
  }

  /** Moves `synced` forward to r, with `unchangedAt` when given; false when it already stood at r or beyond. */
  async markSynced(
    evaluationId: string,
    spreadsheetId: string,
    requested: number,
    unchangedAt?: SheetState['unchangedAt'],
  ): Promise<boolean> {
    return this.advance(
      sheetKey(evaluationId, spreadsheetId),
      'synced',
      'syncedAt',
      requested,
      unchangedAt && {
        unchangedVersion: unchangedAt.version,
        unchangedMethodologySeq: unchangedAt.methodologySeq,
        // Only the control and central sheets record one (a basis left behind would only cost a read).
        ...(unchangedAt.basis !== undefined && { unchangedBasis: unchangedAt.basis }),
      },
    );
  }

  /** Records the Drive version last read. */
  async setDriveVersion(evaluationId: string, spreadsheetId: string, driveVersion: string): Promise<void> {
    await this.set(sheetKey(evaluationId, spreadsheetId), 'driveVersion', driveVersion);
  }

  /** Records which zone a spreadsheet belongs to. */
  async registerSheet(evaluationId: string, spreadsheetId: string, zoneId: string): Promise<void> {
    await this.set(sheetKey(evaluationId, spreadsheetId), 'zoneId', zoneId);
  }

  /** Records the hash of the Feedback content last written. */
  async setFeedbackHash(evaluationId: string, spreadsheetId: string, hash: string): Promise<void> {
    await this.set(sheetKey(evaluationId, spreadsheetId), 'feedbackHash', hash);
  }

  /** Stores a methodology version; storing the same version again is a no-op (versions are content hashes). */
  async putMethodology(evaluationId: string, record: MethodologyRecord): Promise<void> {
    const parsed = parseInput(MethodologyRecordSchema, record, 'methodology');
    const item = {
      ...methodologyKey(evaluationId, parsed.version),
      version: parsed.version,
      body: JSON.stringify({ methodology: parsed.methodology, zones: parsed.zones }),
      spreadsheetId: parsed.spreadsheetId,
      at: parsed.at,
    };
    this.guardSize(item, `methodology ${parsed.version}`);
    try {
      await this.putNew(item, `methodology ${parsed.version}`);
    } catch (error) {
      if (!(error instanceof ItemExistsError)) throw error;
    }
  }

  /** A stored methodology version, or null. */
  async getMethodology(evaluationId: string, version: string): Promise<MethodologyRecord | null> {
    const raw = await this.getItem(methodologyKey(evaluationId, version), 'methodology');
    if (raw === undefined) return null;
    const item = parseItem(MethodologyItemSchema, raw, 'methodology');
    const body: unknown = JSON.parse(item.body);
    return parseItem(
      MethodologyRecordSchema,
      {
        ...(typeof body === 'object' && body !== null ? body : {}),
        version: item.version,
        spreadsheetId: item.spreadsheetId,
        at: item.at,
      },
      'methodology',
    );
  }

  /** Every spreadsheet of the evaluation with its counters. */
  async listSheets(evaluationId: string): Promise<SheetState[]> {
    const items = await this.queryAll('list sheets', {
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': evalPk(evaluationId), ':prefix': SHEET_PREFIX },
    });
    return items.map((item) => toSheetState(parseItem(SheetItemSchema, item, 'sheet')));
  }

  // ---- spreadsheet index (SpreadsheetIndex) ----

  /**
   * Records which evaluation and kind a spreadsheet belongs to, replacing an earlier entry: the last registration
   * wins (a sheet moved to another evaluation year signals that year from then on).
   */
  async indexSpreadsheet(entry: SpreadsheetIndexEntry): Promise<void> {
    const parsed = parseInput(SpreadsheetIndexEntrySchema, entry, 'spreadsheet index entry');
    await this.send('index spreadsheet', () =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...spreadsheetIndexKey(parsed.spreadsheetId), ...parsed },
        }),
      ),
    );
  }

  /** The spreadsheet's entry, strongly consistent (a sheet registered a moment ago is found), or null. */
  async findSpreadsheet(spreadsheetId: string): Promise<SpreadsheetIndexEntry | null> {
    const item = await this.getItem(spreadsheetIndexKey(spreadsheetId), 'spreadsheet index entry');
    if (item === undefined) return null;
    const {
      PK: _pk,
      SK: _sk,
      ...entry
    } = parseItem(SpreadsheetIndexItemSchema, item, 'spreadsheet index entry');
    return entry;
  }

  // ---- end of spreadsheet index ----

  // ---- revisions and current values ----

  /**
   * Stores a revision under the zone's next sequence number. The number is the latest stored one plus one, and
   * the conditional put turns a concurrent writer's win into a retry with the next number.
   */
  async appendRevision(evaluationId: string, zoneId: string, draft: RevisionDraft): Promise<Revision> {
    const parsed = parseInput(RevisionDraftSchema, draft, `revision of zone ${zoneId}`);
    for (let attempt = 1; attempt <= this.revisionAttempts; attempt++) {
      const latest = await this.latestRevision(evaluationId, zoneId);
      if (
        latest &&
        latest.contentHash === parsed.contentHash &&
        latest.spreadsheetId === parsed.spreadsheetId &&
        latest.readSeq === parsed.readSeq &&
        parsed.readSeq > 0
      ) {
        // The same read stored again (a sync retried after a crash between revision and current values).
        const stored = await this.getItem(revisionKey(evaluationId, zoneId, latest.seq), 'revision');
        if (stored) return toRevision(parseItem(RevisionItemSchema, stored, 'revision'));
      }
      const revision: Revision = { ...parsed, zoneId, seq: (latest?.seq ?? 0) + 1 };
      try {
        await this.putRevision(evaluationId, revision);
        return revision;
      } catch (error) {
        if (!(error instanceof ItemExistsError)) throw error;
      }
    }
    throw new RevisionConflictError(
      `could not append a revision for zone ${zoneId} of evaluation ${evaluationId}: ` +
        `${this.revisionAttempts} sequence numbers in a row were taken by concurrent writers`,
    );
  }

  /** Writes a revision under its own `seq`; an existing revision there is kept and ItemExistsError raised. */
  async putRevision(evaluationId: string, revision: Revision): Promise<void> {
    const parsed = parseInput(RevisionSchema, revision, 'revision');
    const key = revisionKey(evaluationId, parsed.zoneId, parsed.seq);
    const item = { ...key, ...parsed, values: plainValues(parsed.values) };
    this.guardSize(item, `revision ${parsed.seq} of zone ${parsed.zoneId}`);
    await this.putNew(item, `revision ${parsed.seq} of zone ${parsed.zoneId} in evaluation ${evaluationId}`);
  }

  /** The zone's revisions, oldest first. */
  async listRevisions(evaluationId: string, zoneId: string): Promise<Revision[]> {
    const items = await this.queryAll('list revisions', {
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': histPk(evaluationId, zoneId), ':prefix': REVISION_PREFIX },
    });
    return items.map((item) => toRevision(parseItem(RevisionItemSchema, item, 'revision')));
  }

  /** The zone's current values, or null. */
  async getCurrent(evaluationId: string, zoneId: string): Promise<CurrentValues | null> {
    const item = await this.getItem(currentKey(evaluationId, zoneId), 'current values');
    return item === undefined ? null : toCurrent(parseItem(CurrentItemSchema, item, 'current values'));
  }

  /**
   * Replaces the zone's current values when `revSeq` is newer. When the condition fails, a stored item with
   * the same content hash means a retry of a write that already landed, which is success.
   */
  async putCurrent(evaluationId: string, current: CurrentValues): Promise<PutCurrentOutcome> {
    const item = this.currentItem(evaluationId, current);
    try {
      await this.send('put current values', () =>
        this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: item,
            // Reads of one sheet are ordered by their `requested` snapshot; a stale read that finishes late loses.
            ConditionExpression: `attribute_not_exists(SK) OR ${LATER_READ} OR (${SAME_READ} AND revSeq < :r)`,
            ExpressionAttributeValues: {
              ':r': item.revSeq,
              ':m': item.mappingSeq,
              ':q': item.readSeq,
              ':s': item.spreadsheetId,
            },
          }),
        ),
      );
      return { status: 'written' };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
    // dynalite does not implement ReturnValuesOnConditionCheckFailure, so the winner is read back instead.
    const stored = await this.getCurrent(evaluationId, item.zoneId);
    if (stored === null) {
      throw new StoreError(
        `current values of zone ${item.zoneId} in evaluation ${evaluationId} failed their condition but are absent`,
      );
    }
    return stored.contentHash === item.contentHash
      ? { status: 'unchanged', revSeq: stored.revSeq }
      : { status: 'superseded', revSeq: stored.revSeq };
  }

  /** Every zone's current values in one paged, strongly consistent Query. */
  async touchCurrent(
    evaluationId: string,
    zoneId: string,
    read: { mappingSeq: number; spreadsheetId: string; readSeq: number; contentHash: string },
  ): Promise<boolean> {
    try {
      await this.send('touch current values', () =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: currentKey(evaluationId, zoneId),
            UpdateExpression: 'SET mappingSeq = :m, spreadsheetId = :s, readSeq = :q',
            ConditionExpression: `attribute_exists(SK) AND contentHash = :h AND ${LATER_READ}`,
            ExpressionAttributeValues: {
              ':m': read.mappingSeq,
              ':s': read.spreadsheetId,
              ':q': read.readSeq,
              ':h': read.contentHash,
            },
          }),
        ),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  async listCurrent(evaluationId: string): Promise<CurrentValues[]> {
    const items = await this.queryAll('list current values', {
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': evalPk(evaluationId), ':prefix': CURRENT_PREFIX },
    });
    return items.map((item) => toCurrent(parseItem(CurrentItemSchema, item, 'current values')));
  }

  /** Writes many zones' current values with BatchWriteItem, unconditionally (seeding and imports only). */
  async seedCurrent(evaluationId: string, currents: readonly CurrentValues[]): Promise<void> {
    const requests = currents.map((current) => ({
      PutRequest: { Item: this.currentItem(evaluationId, current) },
    }));
    await batchWriteAll(this.client, this.tableName, requests, this.batchOptions);
  }

  // ---- evaluation counters and runs ----

  /**
   * Counts a request to score and returns the new `requested` value. The first request after the evaluation was
   * caught up also stamps `pendingSince` (what the reconcile poll measures the wait from).
   */
  async requestEvaluation(evaluationId: string, at: Date = this.now()): Promise<number> {
    const output = await this.send('increment requested', () =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: stateKey(evaluationId),
          UpdateExpression:
            'ADD requested :one SET lastRequestAt = :at, pendingSince = if_not_exists(pendingSince, :at)',
          ExpressionAttributeValues: { ':one': 1, ':at': at.toISOString() },
          ReturnValues: 'UPDATED_NEW',
        }),
      ),
    );
    return parseCounter(output.Attributes, 'requested');
  }

  /** Reads the evaluation's counters and pointers, strongly consistent. */
  async getEvaluationState(evaluationId: string): Promise<EvaluationState | null> {
    const item = await this.getItem(stateKey(evaluationId), 'evaluation state');
    return item === undefined
      ? null
      : toEvaluationState(evaluationId, parseItem(StateItemSchema, item, 'evaluation state'));
  }

  /**
   * Moves `scored` forward to r; false when it already stood at r or beyond. Caught up (`requested` = r), it clears
   * `pendingSince`; with requests still unanswered, it sets `pendingSince` to now: they came during the run, so the
   * wait is measured from its end at the earliest (seconds late, never early). Each outcome is one conditional
   * write, so a request landing meanwhile either sees the stamp cleared (and stamps its own time) or is counted
   * above r (and the second write stamps now).
   */
  async markScored(evaluationId: string, requested: number): Promise<boolean> {
    if (!Number.isSafeInteger(requested) || requested < 1)
      throw new StoreError(`scored can only move to a positive integer, not ${requested}`);
    const at = this.now().toISOString();
    const move = (update: string, condition: string) =>
      this.send('advance scored', () =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: stateKey(evaluationId),
            UpdateExpression: update,
            ConditionExpression: `(attribute_not_exists(scored) OR scored < :v) AND ${condition}`,
            ExpressionAttributeValues: { ':v': requested, ':at': at },
          }),
        ),
      );
    try {
      await move('SET scored = :v, scoredAt = :at REMOVE pendingSince', 'requested = :v');
      return true;
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
    try {
      await move('SET scored = :v, scoredAt = :at, pendingSince = :at', 'requested > :v');
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  /** Hands out the next run sequence number from a counter on the STATE item. */
  async nextRunSeq(evaluationId: string): Promise<number> {
    return this.increment(stateKey(evaluationId), 'runSeq');
  }

  /**
   * Stores a run, never overwriting an existing one: results gzipped in the run's item, or, past DynamoDB's 400 KB
   * item limit, in `RUNPART#` items written first, the head item last (a head always has all its parts; the parts
   * of a run whose head never landed are unreachable and harmless, since a retry takes a new sequence number).
   */
  async putRun(evaluationId: string, run: RunRecord): Promise<void> {
    const parsed = parseInput(RunRecordSchema, run, 'run');
    const { head, parts } = await encodeRun(runKey(evaluationId, parsed.seq), evaluationId, parsed, (k) =>
      runPartKey(evaluationId, parsed.seq, k),
    );
    if (parts.length)
      await batchWriteAll(
        this.client,
        this.tableName,
        parts.map((Item) => ({ PutRequest: { Item } })),
        this.batchOptions,
      );
    await this.putNew(head, `run ${parsed.seq} of evaluation ${evaluationId}`);
  }

  /** The run, or null when it was never stored or is past its time to live (an expired superseded run). */
  async getRun(evaluationId: string, seq: number): Promise<RunRecord | null> {
    const item = await this.getItem(runKey(evaluationId, seq), 'run');
    return item === undefined || isExpired(item, this.now())
      ? null
      : this.decodeRunItem(evaluationId, parseItem(RunItemSchema, item, 'run'));
  }

  /** A run's metadata without its results (no parts read): what the evaluate stage compares an input hash with. */
  async getRunInfo(evaluationId: string, seq: number): Promise<Omit<RunRecord, 'results'> | null> {
    const output = await this.send('get run info', () =>
      this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: runKey(evaluationId, seq),
          ConsistentRead: true,
          ProjectionExpression: `seq, requested, inputHash, methodologyVersion, engineVersion, createdAt, ${TTL_ATTRIBUTE}`,
        }),
      ),
    );
    if (output.Item === undefined || isExpired(output.Item, this.now())) return null;
    return parseItem(z.omit(RunRecordSchema, { results: true }), output.Item, 'run');
  }

  /** The stored run with the highest sequence number, whether or not the pointer reached it. */
  async latestRun(evaluationId: string): Promise<RunRecord | null> {
    const output = await this.send('latest run', () =>
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
          ExpressionAttributeValues: { ':pk': evalPk(evaluationId), ':prefix': RUN_PREFIX },
          ScanIndexForward: false,
          Limit: 1,
          ConsistentRead: true,
        }),
      ),
    );
    const item = output.Items?.[0];
    return item === undefined
      ? null
      : this.decodeRunItem(evaluationId, parseItem(RunItemSchema, item, 'run'));
  }

  private async decodeRunItem(evaluationId: string, item: RunItem): Promise<RunRecord> {
    if (item.body !== undefined) return decodeRun(item);
    const parts = await this.queryAll('run parts', {
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': evalPk(evaluationId), ':prefix': runPartPrefix(item.seq) },
    });
    return decodeRun(
      item,
      parts.map((p) => parseItem(RunPartItemSchema, p, 'run part')),
    );
  }

  /**
   * Lets a superseded run expire: gives its item DynamoDB's time to live, and its parts the same a day later (so
   * a head that can still be read never lacks its parts). Only a run created after `createdAfter` and never
   * kept (`keepRun`) is touched; false for any other, or one not stored. The results are not changed. An UpdateItem
   * costs the item's size in write units, as writing the run did.
   */
  async expireRun(
    evaluationId: string,
    seq: number,
    when: { expiresAt: Date; createdAfter: Date },
  ): Promise<boolean> {
    const at = epochSeconds(when.expiresAt);
    return this.runTtl(
      evaluationId,
      seq,
      ['SET #t = :t', 'attribute_not_exists(#k) AND createdAt > :a'],
      { ':t': at, ':a': when.createdAfter.toISOString() },
      { ':t': at + 86_400 },
    );
  }

  /**
   * Keeps a run for good (a signed-off final run): removes any time to live from it and its parts and marks it
   * kept with `reason`, so `expireRun` never touches it again. False when the run is not stored.
   */
  async keepRun(evaluationId: string, seq: number, reason: string): Promise<boolean> {
    return this.runTtl(evaluationId, seq, ['SET #k = :k REMOVE #t'], { ':k': reason }, null);
  }

  /**
   * Updates a run's head under `attribute_exists(SK)` and the condition given (false when it fails), then its parts:
   * their time to live set to `:t` of `partValues`, or removed when that is null.
   */
  private async runTtl(
    evaluationId: string,
    seq: number,
    [update, condition]: [string, string?],
    values: Record<string, unknown>,
    partValues: { ':t': number } | null,
  ): Promise<boolean> {
    const head = await this.updateIf(runKey(evaluationId, seq), update, condition, values, true);
    if (head === null) return false;
    const parts = parseItem(RunItemSchema, head, 'run').parts ?? 0;
    // A part already deleted (its time passed) needs nothing: its failed condition is ignored.
    for (let k = 1; k <= parts; k++)
      await this.updateIf(
        runPartKey(evaluationId, seq, k),
        partValues ? 'SET #t = :t' : 'REMOVE #t',
        undefined,
        partValues ?? {},
        false,
      );
    return true;
  }

  /** UpdateItem on an existing item (`#t`, `#k`: the time-to-live and kept attributes); null when a condition failed. */
  private async updateIf(
    key: ItemKey,
    update: string,
    condition: string | undefined,
    values: Record<string, unknown>,
    returnItem: boolean,
  ): Promise<Record<string, unknown> | null> {
    const expr = `${update} ${condition ?? ''}`;
    try {
      const output = await this.send('run time to live', () =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: key,
            UpdateExpression: update,
            ConditionExpression: `attribute_exists(SK)${condition ? ` AND ${condition}` : ''}`,
            // DynamoDB refuses names and values an expression does not use.
            ExpressionAttributeNames: expr.includes('#k')
              ? { '#t': TTL_ATTRIBUTE, '#k': KEPT_ATTRIBUTE }
              : { '#t': TTL_ATTRIBUTE },
            ...(Object.keys(values).length > 0 && { ExpressionAttributeValues: values }),
            // Returned values cost no read units; a parted run's head is small.
            ...(returnItem && { ReturnValues: 'ALL_NEW' as const }),
          }),
        ),
      );
      return output.Attributes ?? {};
    } catch (error) {
      if (isConditionalCheckFailed(error)) return null;
      throw error;
    }
  }

  /** Moves the current-run pointer forward to seq; call after `putRun` succeeded. */
  async setCurrentRun(evaluationId: string, seq: number): Promise<boolean> {
    return this.advance(stateKey(evaluationId), 'currentRun', undefined, seq);
  }

  /** Moves the published-run pointer forward to seq. */
  async markPublished(evaluationId: string, seq: number): Promise<boolean> {
    return this.advance(stateKey(evaluationId), 'publishedRun', undefined, seq);
  }

  async setMethodologyVersion(evaluationId: string, version: string, readSeq?: number): Promise<boolean> {
    // DynamoDB refuses names and values an expression does not use, so each attempt lists only its own.
    const attempt = async (update: string, condition: string, values: Record<string, unknown>) => {
      const expr = `${update} ${condition}`;
      const names = Object.fromEntries(
        Object.entries({
          '#v': 'methodologyVersion',
          '#r': 'methodologyReadSeq',
          '#n': 'methodologySeq',
        }).filter(([k]) => expr.includes(k)),
      );
      try {
        await this.send('set methodology version', () =>
          this.client.send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: stateKey(evaluationId),
              UpdateExpression: update,
              ConditionExpression: condition,
              ExpressionAttributeNames: names,
              ExpressionAttributeValues: values,
            }),
          ),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    };
    if (readSeq === undefined) {
      // Unconditional install (tests, the admin CLI): a new version counts a mapping change, the same one nothing.
      await attempt('SET #v = :v ADD #n :one', 'attribute_not_exists(#v) OR #v <> :v', {
        ':v': version,
        ':one': 1,
      });
      return true;
    }
    // The same version again only moves the read marker; a new version also counts a mapping change.
    const fresh = '(attribute_not_exists(#r) OR #r <= :r)';
    if (await attempt('SET #r = :r', `#v = :v AND ${fresh}`, { ':v': version, ':r': readSeq })) return true;
    return attempt(
      'SET #v = :v, #r = :r ADD #n :one',
      `(attribute_not_exists(#v) OR #v <> :v) AND ${fresh}`,
      {
        ':v': version,
        ':r': readSeq,
        ':one': 1,
      },
    );
  }

  async setResyncedVersion(evaluationId: string, version: string): Promise<void> {
    await this.set(stateKey(evaluationId), 'resyncedVersion', version);
  }

  // ---- central data, results spreadsheet, unreadable sheets (evaluate block) ----

  /** Stores a central tab's values unless a later read of the central sheet already stored that tab. */
  async putCentralTab(evaluationId: string, tab: CentralTab): Promise<boolean> {
    const parsed = parseInput(CentralTabSchema, tab, `central tab ${tab.tab}`);
    const item = {
      ...centralKey(evaluationId, parsed.tab),
      tab: parsed.tab,
      spreadsheetId: parsed.spreadsheetId,
      body: JSON.stringify(parsed.zones),
      contentHash: parsed.contentHash,
      readSeq: parsed.readSeq,
      updatedAt: parsed.updatedAt,
      ...(parsed.late && { late: JSON.stringify(parsed.late) }),
      ...(parsed.accepted && { accepted: JSON.stringify(parsed.accepted) }),
    };
    this.guardSize(item, `central tab ${parsed.tab}`);
    try {
      await this.send('put central tab', () =>
        this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: item,
            // A read of another central spreadsheet (the sheet was replaced) always wins; under one sheet, the later read.
            ConditionExpression: 'attribute_not_exists(SK) OR spreadsheetId <> :s OR readSeq <= :q',
            ExpressionAttributeValues: { ':s': parsed.spreadsheetId, ':q': parsed.readSeq },
          }),
        ),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  /** Every stored central tab, in one paged, strongly consistent Query. */
  async listCentralTabs(evaluationId: string): Promise<CentralTab[]> {
    const items = await this.queryAll('list central tabs', {
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': evalPk(evaluationId), ':prefix': CENTRAL_PREFIX },
    });
    return items.map((raw) => {
      const item = parseItem(CentralItemSchema, raw, 'central tab');
      return parseItem(
        CentralTabSchema,
        {
          tab: item.tab,
          spreadsheetId: item.spreadsheetId,
          zones: JSON.parse(item.body),
          contentHash: item.contentHash,
          readSeq: item.readSeq,
          updatedAt: item.updatedAt,
          ...(item.late !== undefined && { late: JSON.parse(item.late) }),
          ...(item.accepted !== undefined && { accepted: JSON.parse(item.accepted) }),
        },
        'central tab',
      );
    });
  }

  async setResultsSpreadsheet(evaluationId: string, spreadsheetId: string): Promise<void> {
    await this.set(stateKey(evaluationId), 'resultsSpreadsheetId', spreadsheetId);
  }

  async getResultsSpreadsheet(evaluationId: string): Promise<string | null> {
    const item = await this.getItem(stateKey(evaluationId), 'evaluation state');
    return item === undefined
      ? null
      : (parseItem(StateItemSchema, item, 'evaluation state').resultsSpreadsheetId ?? null);
  }

  /** Records (or, with null, clears) why a spreadsheet could not be read. */
  async setSheetUnreadable(
    evaluationId: string,
    spreadsheetId: string,
    reason: string | null,
  ): Promise<void> {
    if (reason !== null) {
      await this.set(sheetKey(evaluationId, spreadsheetId), 'unreadable', reason);
      return;
    }
    await this.send('clear unreadable', () =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: sheetKey(evaluationId, spreadsheetId),
          UpdateExpression: 'REMOVE unreadable',
        }),
      ),
    );
  }

  // ---- end of the evaluate block ----

  // ---- governance (lib/pipeline/governance.ts): one item, `EVAL#e` / `GOVERN`, each field as JSON text ----

  async getGovernance(evaluationId: string): Promise<Governance> {
    const item = await this.getItem({ PK: evalPk(evaluationId), SK: GOVERN_SK }, 'governance');
    if (item === undefined) return EMPTY_GOVERNANCE;
    const doc: Record<string, unknown> = { readSeq: item['readSeq'] ?? 0 };
    for (const f of GOVERNANCE_FIELDS)
      if (typeof item[f] === 'string') doc[f] = JSON.parse(item[f] as string);
    return parseItem(GovernanceSchema, doc, 'governance');
  }

  async setGovernance(
    evaluationId: string,
    patch: Partial<Omit<Governance, 'readSeq'>>,
    readSeq?: number,
  ): Promise<boolean> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets: string[] = [];
    for (const f of GOVERNANCE_FIELDS) {
      if (!(f in patch)) continue;
      const parsed = parseInput(GovernanceSchema.shape[f], patch[f], `governance ${f}`);
      names[`#${f}`] = f;
      values[`:${f}`] = JSON.stringify(parsed);
      sets.push(`#${f} = :${f}`);
    }
    if (readSeq !== undefined) {
      names['#r'] = 'readSeq';
      values[':r'] = readSeq;
      sets.push('#r = :r');
    }
    if (!sets.length) return true;
    try {
      await this.send('set governance', () =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { PK: evalPk(evaluationId), SK: GOVERN_SK },
            UpdateExpression: `SET ${sets.join(', ')}`,
            ...(readSeq !== undefined && { ConditionExpression: 'attribute_not_exists(#r) OR #r <= :r' }),
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        ),
      );
      return true;
    } catch (error) {
      if (readSeq !== undefined && isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  // ---- building blocks ----

  private currentItem(evaluationId: string, current: CurrentValues) {
    const parsed = parseInput(CurrentValuesSchema, current, 'current values');
    const item = {
      ...currentKey(evaluationId, parsed.zoneId),
      ...parsed,
      values: plainValues(parsed.values),
    };
    this.guardSize(item, `current values of zone ${parsed.zoneId}`);
    return item;
  }

  /** The latest revision's number and what identifies its read, or null. */
  private async latestRevision(
    evaluationId: string,
    zoneId: string,
  ): Promise<{ seq: number; contentHash: string; spreadsheetId: string | null; readSeq: number } | null> {
    const output = await this.send('latest revision', () =>
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
          ExpressionAttributeValues: { ':pk': histPk(evaluationId, zoneId), ':prefix': REVISION_PREFIX },
          ProjectionExpression: 'PK, SK, seq, contentHash, spreadsheetId, readSeq',
          ScanIndexForward: false,
          Limit: 1,
          ConsistentRead: true,
        }),
      ),
    );
    const item = output.Items?.[0];
    if (item === undefined) return null;
    const parsed = LatestRevisionSchema.safeParse(item);
    if (!parsed.success)
      throw new StoreError(`latest revision of zone ${zoneId} is malformed`, { cause: parsed.error });
    return {
      ...parsed.data,
      spreadsheetId: parsed.data.spreadsheetId ?? null,
      readSeq: parsed.data.readSeq ?? 0,
    };
  }

  /** `ADD name 1` returning the new value: the counters algorithm's step 1. */
  private async increment(key: ItemKey, name: string, stampName?: string, at?: Date): Promise<number> {
    const stamp = stampName !== undefined && at !== undefined;
    const output = await this.send(`increment ${name}`, () =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: stamp ? 'ADD #n :one SET #t = :at' : 'ADD #n :one',
          ExpressionAttributeNames: stamp ? { '#n': name, '#t': stampName } : { '#n': name },
          ExpressionAttributeValues: stamp ? { ':one': 1, ':at': at.toISOString() } : { ':one': 1 },
          ReturnValues: 'UPDATED_NEW',
        }),
      ),
    );
    return parseCounter(output.Attributes, name);
  }

  /** `SET name = :v IF name < :v`: a monotonic move; a failed condition means someone already got further. */
  private async advance(
    key: ItemKey,
    name: string,
    stampName: string | undefined,
    value: number,
    /** More attributes set by the same update, only when it moves. */
    also: Record<string, string | number> = {},
  ): Promise<boolean> {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new StoreError(`${name} can only move to a positive integer, not ${value}`);
    }
    const names: Record<string, string> = { '#n': name };
    const values: Record<string, unknown> = { ':v': value };
    let update = 'SET #n = :v';
    if (stampName !== undefined) {
      names['#t'] = stampName;
      values[':at'] = this.now().toISOString();
      update += ', #t = :at';
    }
    Object.entries(also).forEach(([name, v], k) => {
      names[`#a${k}`] = name;
      values[`:a${k}`] = v;
      update += `, #a${k} = :a${k}`;
    });
    try {
      await this.send(`advance ${name}`, () =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: key,
            UpdateExpression: update,
            ConditionExpression: 'attribute_not_exists(#n) OR #n < :v',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        ),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  private async set(key: ItemKey, name: string, value: string): Promise<void> {
    await this.send(`set ${name}`, () =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'SET #n = :v',
          ExpressionAttributeNames: { '#n': name },
          ExpressionAttributeValues: { ':v': value },
        }),
      ),
    );
  }

  /** PutItem that never replaces: the guard of everything append-only. */
  private async putNew(item: ItemKey & Record<string, unknown>, what: string): Promise<void> {
    try {
      await this.send(`put ${what}`, () =>
        this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: item,
            ConditionExpression: 'attribute_not_exists(SK)',
          }),
        ),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      throw new ItemExistsError(
        `${what} already exists and is never overwritten`,
        { PK: item.PK, SK: item.SK },
        {
          cause: error,
        },
      );
    }
  }

  private async getItem(key: ItemKey, what: string): Promise<Record<string, unknown> | undefined> {
    const output = await this.send(`get ${what}`, () =>
      this.client.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true })),
    );
    return output.Item;
  }

  /** Follows LastEvaluatedKey to the end: a Query returns at most 1 MB per page. */
  private async queryAll(
    what: string,
    input: Omit<QueryCommandInput, 'TableName' | 'ConsistentRead' | 'ExclusiveStartKey'>,
  ): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const output = await this.send(what, () =>
        this.client.send(
          new QueryCommand({
            ...input,
            TableName: this.tableName,
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        ),
      );
      items.push(...(output.Items ?? []));
      startKey = output.LastEvaluatedKey;
    } while (startKey !== undefined);
    return items;
  }

  private guardSize(item: Record<string, unknown>, what: string): void {
    const size = itemBytes(item);
    if (size > MAX_ITEM_BYTES) {
      throw new ItemTooLargeError(
        `${what} would be a ${size.toLocaleString('en-US')}-byte item; DynamoDB allows ${MAX_ITEM_BYTES.toLocaleString('en-US')}`,
        size,
        MAX_ITEM_BYTES,
      );
    }
  }

  /** Wraps SDK failures in StoreRequestError, except a failed condition, which callers interpret. */
  private async send<T>(what: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      if (isConditionalCheckFailed(error) || error instanceof StoreError) throw error;
      throw new StoreRequestError(`DynamoDB request failed (${what} on ${this.tableName})`, { cause: error });
    }
  }
}

import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { RunRecord } from '../pipeline/ports';
import { CorruptItemError, ItemTooLargeError } from './errors';
import { itemBytes, MAX_ITEM_BYTES } from './item-size';
import type { RunItem, RunPartItem } from './items';
import { type ItemKey, TTL_ATTRIBUTE } from './keys';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

const fmt = (n: number): string => n.toLocaleString('en-US');

/**
 * Bytes of gzipped results per part item. A part is its key, its number and this body: well under DynamoDB's
 * 400 KB, and 25 of them (one BatchWriteItem) stay under the request's 16 MB.
 */
export const RUN_PART_BYTES = 350_000;

/** Most parts a run may have: 100 x 350 KB of gzip is about 35 MB, far past 2,000 zones (about 1.5 MB). */
export const MAX_RUN_PARTS = 100;

/**
 * Builds the run's items: the head (metadata as attributes for the console; the gzipped results inline when they
 * fit) and, for a run past one item, the parts holding the results in slices. The parts are written first and the
 * head last, so a head that exists always has all its parts.
 */
export async function encodeRun(
  key: ItemKey,
  evaluationId: string,
  run: RunRecord,
  partKey: (part: number) => ItemKey,
): Promise<{ head: RunItem; parts: RunPartItem[] }> {
  const json = Buffer.from(JSON.stringify(run.results ?? null), 'utf8');
  const body = new Uint8Array(await gzipAsync(json));
  const meta = {
    ...key,
    seq: run.seq,
    requested: run.requested,
    inputHash: run.inputHash,
    methodologyVersion: run.methodologyVersion,
    engineVersion: run.engineVersion,
    createdAt: run.createdAt,
    jsonBytes: json.byteLength,
  };
  const inline: RunItem = { ...meta, body };
  if (itemBytes(inline) <= MAX_ITEM_BYTES) return { head: inline, parts: [] };
  const count = Math.ceil(body.byteLength / RUN_PART_BYTES);
  if (count > MAX_RUN_PARTS) {
    throw new ItemTooLargeError(
      `run ${run.seq} of evaluation ${evaluationId} would need ${count} items ` +
        `(results: ${fmt(json.byteLength)} bytes of JSON, ${fmt(body.byteLength)} gzipped); at most ${MAX_RUN_PARTS} are written`,
      body.byteLength,
      MAX_RUN_PARTS * RUN_PART_BYTES,
    );
  }
  const parts = Array.from({ length: count }, (_, k) => ({
    ...partKey(k + 1),
    part: k + 1,
    body: body.subarray(k * RUN_PART_BYTES, (k + 1) * RUN_PART_BYTES),
  }));
  return { head: { ...meta, parts: count, gzipBytes: body.byteLength }, parts };
}

/** Restores the run record from its head and, for a run stored in parts, its parts (any order). */
export async function decodeRun(item: RunItem, parts: readonly RunPartItem[] = []): Promise<RunRecord> {
  let body = item.body;
  if (body === undefined) {
    const expected = item.parts ?? 0;
    const sorted = [...parts].sort((a, b) => a.part - b.part);
    if (sorted.length !== expected || sorted.some((p, k) => p.part !== k + 1))
      throw new CorruptItemError(
        `run item ${item.PK} / ${item.SK} names ${expected} parts but ${sorted.length} were found`,
      );
    body = new Uint8Array(Buffer.concat(sorted.map((p) => p.body)));
  }
  let results: unknown;
  try {
    results = JSON.parse((await gunzipAsync(body)).toString('utf8'));
  } catch (error) {
    throw new CorruptItemError(`run item ${item.PK} / ${item.SK} has a body that is not gzipped JSON`, {
      cause: error,
    });
  }
  return {
    seq: item.seq,
    requested: item.requested,
    inputHash: item.inputHash,
    methodologyVersion: item.methodologyVersion,
    engineVersion: item.engineVersion,
    createdAt: item.createdAt,
    results,
  };
}

/** Epoch seconds, the unit DynamoDB's time to live reads. */
export const epochSeconds = (at: Date): number => Math.floor(at.getTime() / 1000);

/**
 * Whether a stored run item is past its time to live. DynamoDB deletes such items only within days of the time,
 * and the embedded DynamoDB never does, so reads treat them as gone from the time itself, the same everywhere.
 */
export function isExpired(item: Record<string, unknown>, now: Date): boolean {
  const at = item[TTL_ATTRIBUTE];
  return typeof at === 'number' && at <= epochSeconds(now);
}

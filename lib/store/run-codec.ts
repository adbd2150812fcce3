import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { RunRecord } from '../pipeline/ports';
import { CorruptItemError, ItemTooLargeError } from './errors';
import { itemBytes, MAX_ITEM_BYTES } from './item-size';
import type { RunItem } from './items';
import type { ItemKey } from './keys';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

const fmt = (n: number): string => n.toLocaleString('en-US');

/** Builds the run item: metadata as attributes for the console, results as gzipped JSON in one Binary. */
export async function encodeRun(key: ItemKey, evaluationId: string, run: RunRecord): Promise<RunItem> {
  const json = Buffer.from(JSON.stringify(run.results ?? null), 'utf8');
  const body = new Uint8Array(await gzipAsync(json));
  const item: RunItem = {
    ...key,
    seq: run.seq,
    requested: run.requested,
    inputHash: run.inputHash,
    methodologyVersion: run.methodologyVersion,
    engineVersion: run.engineVersion,
    createdAt: run.createdAt,
    body,
    jsonBytes: json.byteLength,
  };
  const size = itemBytes(item);
  if (size > MAX_ITEM_BYTES) {
    throw new ItemTooLargeError(
      `run ${run.seq} of evaluation ${evaluationId} would be a ${fmt(size)}-byte item ` +
        `(results: ${fmt(json.byteLength)} bytes of JSON, ${fmt(body.byteLength)} gzipped); ` +
        `DynamoDB allows ${fmt(MAX_ITEM_BYTES)} bytes per item`,
      size,
      MAX_ITEM_BYTES,
    );
  }
  return item;
}

/** Restores the run record from its item. */
export async function decodeRun(item: RunItem): Promise<RunRecord> {
  let results: unknown;
  try {
    results = JSON.parse((await gunzipAsync(item.body)).toString('utf8'));
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

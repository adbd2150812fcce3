/**
 * Runs `fn` over `items` with at most `limit` calls in flight; results keep the order of `items`. For the
 * per-zone writes a methodology change makes (DynamoDB has no batch UpdateItem) and for syncing many sheets.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const k = next++;
      out[k] = await fn(items[k]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

import { mapLimit } from '../../../lib/pipeline/concurrency';

describe('mapLimit', () => {
  test('keeps the order of the items and never runs more than the limit at once', async () => {
    let inFlight = 0;
    let most = 0;
    const out = await mapLimit([5, 1, 4, 2, 3, 0], 2, async (ms) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, ms));
      inFlight--;
      return ms * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 0]);
    expect(most).toBe(2);
  });

  test('an empty list gives an empty result', async () => {
    expect(await mapLimit([], 4, async (x: number) => x)).toEqual([]);
  });
});

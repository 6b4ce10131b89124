import { describe, expect, it } from "vitest";
import { Batcher, OverloadedError } from "../src/batcher.ts";

/** A model stand-in is fine here: this tests the queueing logic alone; embedder.test.ts runs the real model. */
function slowDouble(sizes: number[], ms: number) {
  return async (items: number[]) => {
    sizes.push(items.length);
    await new Promise((r) => setTimeout(r, ms));
    return items.map((x) => x * 2);
  };
}

describe("Batcher", () => {
  it("gathers concurrent requests into batches of at most maxBatch, in order", async () => {
    const sizes: number[] = [];
    const b = new Batcher(slowDouble(sizes, 10), { maxBatch: 4, maxWaitMs: 5, maxQueue: 100 });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => b.submit([i])));
    expect(results.map((r) => r[0])).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    expect(sizes).toEqual([4, 4, 2]);
  });

  it("waits at most maxWaitMs for a partial batch", async () => {
    const sizes: number[] = [];
    const b = new Batcher(slowDouble(sizes, 0), { maxBatch: 64, maxWaitMs: 20, maxQueue: 100 });
    const t0 = performance.now();
    expect(await b.submit([1, 2])).toEqual([2, 4]);
    const waited = performance.now() - t0;
    expect(waited).toBeGreaterThanOrEqual(15);
    expect(sizes).toEqual([2]);
  });

  it("rejects with OverloadedError when the queue is full, and admits whole requests only", async () => {
    const sizes: number[] = [];
    const b = new Batcher(slowDouble(sizes, 30), { maxBatch: 2, maxWaitMs: 0, maxQueue: 3 });
    const running = b.submit([1, 2]); // runs at once, queue empty again
    const queued = b.submit([3, 4, 5]); // fills the queue
    await expect(b.submit([6])).rejects.toBeInstanceOf(OverloadedError);
    expect(b.depth).toBe(3);
    expect(await running).toEqual([2, 4]);
    expect(await queued).toEqual([6, 8, 10]);
  });

  it("fails every item of a batch whose model call throws, and keeps serving", async () => {
    let calls = 0;
    const b = new Batcher(
      async (items: number[]) => {
        if (calls++ === 0) throw new Error("model exploded");
        return items;
      },
      { maxBatch: 8, maxWaitMs: 1, maxQueue: 100 },
    );
    await expect(Promise.all([b.submit([1]), b.submit([2])])).rejects.toThrow("model exploded");
    expect(await b.submit([3])).toEqual([3]);
  });
});

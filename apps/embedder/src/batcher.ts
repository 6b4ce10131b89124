/** Thrown by submit() when the queue is full: the caller answers 429 and the client backs off. */
export class OverloadedError extends Error {
  readonly code = "OVERLOADED";
  constructor(message: string) {
    super(message);
    this.name = "OverloadedError";
  }
}

export interface BatcherOptions {
  /** Items per call of the model. */
  maxBatch: number;
  /** How long the first waiting item waits for others before a partial batch runs. */
  maxWaitMs: number;
  /** Items waiting (not yet running) beyond which submit() rejects with OverloadedError. */
  maxQueue: number;
  /** Called after each batch, for metrics. */
  onBatch?: (size: number, seconds: number) => void;
}

interface Pending<I, O> {
  item: I;
  resolve: (out: O) => void;
  reject: (err: unknown) => void;
}

/**
 * Dynamic batching: items from concurrent requests are gathered into one model call of up to maxBatch items.
 * One batch runs at a time (the model already uses every core through its intra-op threads); items that arrive
 * meanwhile form the next batch, so batches grow with load and latency stays low when idle.
 */
export class Batcher<I, O> {
  private queue: Array<Pending<I, O>> = [];
  private running = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly run: (items: I[]) => Promise<O[]>,
    private readonly opts: BatcherOptions,
  ) {}

  /** Items waiting for a batch (not counting the batch now running). */
  get depth(): number {
    return this.queue.length;
  }

  /** Admits all items or none: a request is never half-accepted. */
  submit(items: I[]): Promise<O[]> {
    if (this.queue.length + items.length > this.opts.maxQueue) {
      return Promise.reject(
        new OverloadedError(`queue full (${this.queue.length} waiting, limit ${this.opts.maxQueue}); retry later`),
      );
    }
    const results = items.map(
      (item) => new Promise<O>((resolve, reject) => this.queue.push({ item, resolve, reject })),
    );
    this.schedule();
    return Promise.all(results);
  }

  private schedule() {
    if (this.running || this.queue.length === 0) return;
    if (this.queue.length >= this.opts.maxBatch || this.opts.maxWaitMs === 0) {
      this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.opts.maxWaitMs);
    }
  }

  private flush() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.running) return;
    const batch = this.queue.splice(0, this.opts.maxBatch);
    if (batch.length === 0) return;
    this.running = true;
    const started = performance.now();
    this.run(batch.map((p) => p.item))
      .then((outs) => {
        if (outs.length !== batch.length) throw new Error(`model returned ${outs.length} results for ${batch.length}`);
        for (const [i, p] of batch.entries()) p.resolve(outs[i] as O);
      })
      .catch((err) => {
        for (const p of batch) p.reject(err);
      })
      .finally(() => {
        this.opts.onBatch?.(batch.length, (performance.now() - started) / 1000);
        this.running = false;
        // Whatever queued while this batch ran goes next, without waiting again.
        if (this.queue.length > 0) this.flush();
      });
  }
}

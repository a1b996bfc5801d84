/**
 * At most `capacity` pieces of work at once; the rest wait in line, in order. A wait can be
 * bounded: past `waitMs` the work is refused with the error `refuse` makes, and never runs.
 */
export class ConcurrencyLimit {
  private running = 0;
  private readonly line: (() => void)[] = [];

  constructor(readonly capacity: number) {}

  /** Work running now, and work waiting for its turn. */
  get inUse(): number {
    return this.running;
  }

  get waiting(): number {
    return this.line.length;
  }

  async run<T>(work: () => Promise<T>, waitMs = Infinity, refuse: () => Error = () => new Error('no turn in time')): Promise<T> {
    if (this.running < this.capacity) {
      this.running++;
    } else {
      await this.turn(waitMs, refuse);
    }
    try {
      return await work();
    } finally {
      const next = this.line.shift();
      // The slot passes straight to the next in line, so that nobody overtakes it.
      if (next) next();
      else this.running--;
    }
  }

  private turn(waitMs: number, refuse: () => Error): Promise<void> {
    return new Promise((granted, refused) => {
      let timer: NodeJS.Timeout | undefined;
      const grant = () => {
        clearTimeout(timer);
        granted();
      };
      this.line.push(grant);
      if (Number.isFinite(waitMs)) {
        timer = setTimeout(() => {
          this.line.splice(this.line.indexOf(grant), 1);
          refused(refuse());
        }, waitMs);
      }
    });
  }
}

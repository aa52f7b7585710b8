/** An async lock: run() calls wait their turn, one at a time, in the order they came. */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  /** True while a call runs or waits. */
  get busy(): boolean {
    return this.waiting > 0;
  }

  run<T>(work: () => Promise<T>): Promise<T> {
    this.waiting++;
    const result = this.tail.then(work).finally(() => {
      this.waiting--;
    });
    this.tail = result.catch(() => undefined);
    return result;
  }
}

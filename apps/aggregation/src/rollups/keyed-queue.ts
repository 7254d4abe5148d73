/**
 * Runs tasks with the same key one after another, tasks with different keys
 * side by side. Rollup changes of one tenant touch the same rows: run
 * concurrently they would mostly fail PostgreSQL's serialization check and
 * retry, so within a replica they queue instead.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}

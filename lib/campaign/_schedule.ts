/**
 * Private: runs numbered jobs with bounded concurrency and delivers their outcomes in order.
 *
 * @module
 */

/**
 * Starts jobs 0..count-1 with at most `concurrency` running, and delivers outcomes strictly in job
 * order, in contiguous batches. Jobs that finish early wait in a reorder buffer; a job starts only
 * while fewer than `2 · concurrency` jobs are started but undelivered, which bounds that buffer
 * (a slow job stalls new starts instead of growing it). A rejected job rejects the whole run.
 */
export async function runInOrder<T>(
  count: number,
  concurrency: number,
  start: (job: number) => Promise<T>,
  deliver: (first: number, outcomes: T[]) => Promise<void>,
): Promise<void> {
  const window = 2 * concurrency;
  const running = new Map<number, Promise<[number, T]>>();
  const finished = new Map<number, T>();
  let next = 0;
  let delivered = 0;
  try {
    while (delivered < count) {
      while (next < count && running.size < concurrency && next - delivered < window) {
        const job = next++;
        running.set(job, start(job).then((outcome): [number, T] => [job, outcome]));
      }
      const [job, outcome] = await Promise.race(running.values());
      running.delete(job);
      finished.set(job, outcome);
      const batch: T[] = [];
      for (let k = delivered; finished.has(k); k++) batch.push(finished.get(k)!);
      for (let k = delivered; k < delivered + batch.length; k++) finished.delete(k);
      if (batch.length > 0) await deliver(delivered, batch);
      delivered += batch.length;
    }
  } catch (err) {
    for (const p of running.values()) p.catch(() => {}); // their failures are the same failure
    throw err;
  }
}

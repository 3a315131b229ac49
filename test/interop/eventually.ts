/**
 * Retry helper for the interop tests: indexes, routes and elections on real brokers settle asynchronously.
 * @module
 */
import { RequestTimeoutError } from '../../src/errors.js';
import { sleep } from './harness/procs.js';

/**
 * Retries `f` until `ok(result)` holds or `budgetMs` is spent; then rethrows the last error (or a
 * {@link RequestTimeoutError} showing the last value).
 * @param f - the attempt
 * @param ok - acceptance test of a result
 * @param budgetMs - total budget @default 15000
 */
export async function eventually<T>(f: () => Promise<T>, ok: (v: T) => boolean, budgetMs = 15_000): Promise<T> {
  const deadline = Date.now() + budgetMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await f();
      if (ok(v)) return v;
      const shown = JSON.stringify(v, (_k, x: unknown) => (Buffer.isBuffer(x) ? `<${x.length} bytes>` : x)) ?? String(v);
      last = new RequestTimeoutError(`condition not met: ${shown.slice(0, 500)}`, budgetMs);
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw last;
    await sleep(300);
  }
}

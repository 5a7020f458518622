/** Waiting in tests for something that happens in the background (file watchers, indexes, the library). */

/**
 * Polls `condition` every 50 ms until it holds, failing with `what` after `timeoutMs`.
 *
 * With `read` and `until` instead, polls `read` until `until` holds for its value and returns that
 * value; a timeout then also says what `read` returned last.
 */
export function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs?: number): Promise<void>;
export function waitFor<T>(what: string, read: () => T | Promise<T>, until: (value: T) => boolean, timeoutMs?: number): Promise<T>;
export async function waitFor<T>(what: string, read: () => T | Promise<T>, untilOrTimeout?: ((value: T) => boolean) | number, timeoutMs = 10_000): Promise<T> {
  const until = typeof untilOrTimeout === 'function' ? untilOrTimeout : Boolean;
  const timeout = typeof untilOrTimeout === 'number' ? untilOrTimeout : timeoutMs;
  const deadline = Date.now() + timeout;
  let value = await read();
  while (!until(value)) {
    if (Date.now() > deadline) {
      const last = typeof untilOrTimeout === 'function' ? `; last value: ${JSON.stringify(value)}` : '';
      throw new Error(`Timed out after ${timeout} ms waiting for ${what}${last}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}

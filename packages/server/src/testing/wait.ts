/** What a polled check answers while its condition does not hold yet. */
type NotYet = undefined | null | false;

/**
 * Polls `check` every `everyMs` until it answers something other than `undefined`, `null` or `false`, and returns
 * that; after `timeoutMs` it throws, naming `what` (a function is called then, e.g. to append a process's log).
 */
export async function waitUntil<T>(
  check: () => T | NotYet | Promise<T | NotYet>,
  timeoutMs = 10_000,
  what: string | (() => string) = 'condition',
  everyMs = 50,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== null && v !== false) return v;
    if (Date.now() > end) {
      throw new Error(`not met in ${timeoutMs} ms: ${typeof what === 'function' ? what() : what}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

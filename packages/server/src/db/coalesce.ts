/**
 * Group commit for one kind of statement: while `maxInFlight` of them run, the next calls wait and then go together
 * in one statement (one round trip, one transaction, one WAL flush for all of them). A call that finds a free slot
 * goes at once, so a lone call waits for nothing. When a shared statement fails, each of its calls runs again alone,
 * so one call's failure is never another's. `runMany` answers one result per item, in order.
 */
export function coalesced<T, R>(
  runMany: (items: T[]) => Promise<R[]>,
  opts: { maxInFlight?: number; maxItems?: number } = {},
): (item: T) => Promise<R> {
  const maxInFlight = opts.maxInFlight ?? 2;
  const maxItems = opts.maxItems ?? 500;
  let running = 0;
  let waiting: { item: T; resolve(r: R): void; reject(err: unknown): void }[] = [];

  async function runGroup(group: typeof waiting): Promise<void> {
    let results: R[];
    try {
      results = await runMany(group.map((g) => g.item));
    } catch (err) {
      if (group.length === 1) {
        group[0]?.reject(err);
        return;
      }
      for (const g of group) await runGroup([g]);
      return;
    }
    for (const [i, g] of group.entries()) g.resolve(results[i] as R);
  }

  function pump(): void {
    while (running < maxInFlight && waiting.length > 0) {
      const group = waiting.slice(0, maxItems);
      waiting = waiting.slice(maxItems);
      running++;
      void runGroup(group).finally(() => {
        running--;
        pump();
      });
    }
  }

  return (item) =>
    new Promise<R>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      pump();
    });
}

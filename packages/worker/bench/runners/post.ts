/** One plain POST of `payload` as JSON: the whole job of both baselines' workers. */
export async function postOnce(url: string, payload: unknown): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  });
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`receiver answered ${res.status}`);
}

/** Stops on SIGTERM, or when the bench that started this process goes away (its IPC channel closes). */
export function stopWith(stop: () => Promise<void>): void {
  let stopping = false;
  const end = () => {
    if (stopping) return;
    stopping = true;
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', end);
  if (process.channel) {
    process.channel.unref();
    process.once('disconnect', end);
  }
}

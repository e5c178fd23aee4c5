import { SwitchyardError } from '../src/index.ts';

/** The SwitchyardError a call rejects with; fails the test when the call resolves or rejects with anything else. */
export async function rejection(call: Promise<unknown>): Promise<SwitchyardError> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof SwitchyardError)) throw new Error(`expected a SwitchyardError, got ${String(err)}`);
  return err;
}

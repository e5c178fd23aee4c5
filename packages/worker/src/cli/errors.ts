import { isDatabaseUnreachable } from '@switchyard/server/db';

/** A failure of a command that the user can act on: what went wrong, and what to do about it. */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly hint: string;
  constructor(message: string, hint: string) {
    super(message);
    this.hint = hint;
  }
}

/** A message for anything a command threw: never `undefined`, and with what to do whenever we know it. */
export function describeFailure(
  err: unknown,
  target: string | undefined,
): { message: string; hint?: string } {
  if (err instanceof CliError) return { message: err.message, hint: err.hint };
  if (isDatabaseUnreachable(err)) {
    const code = (err as { code?: string }).code;
    return {
      message: `cannot reach PostgreSQL at ${target ?? 'DATABASE_URL'}${code ? ` (${code})` : ''}: ${(err as Error).message || 'no answer'}`,
      hint: 'check that it runs and that DATABASE_URL points at it; unset DATABASE_URL to use the embedded database',
    };
  }
  const code = (err as { code?: unknown } | null)?.code;
  if (code === '28P01' || code === '28000') {
    return {
      message: `PostgreSQL refused the login: ${(err as Error).message}`,
      hint: 'check the user name and password in DATABASE_URL',
    };
  }
  if (code === '3D000') {
    return {
      message: `the database does not exist: ${(err as Error).message}`,
      hint: 'create it (createdb) or name an existing one in DATABASE_URL',
    };
  }
  if (err instanceof Error) {
    return { message: err.message || err.name, hint: 'run with LOG_LEVEL=debug for more detail' };
  }
  return { message: `unexpected failure: ${err === undefined ? 'no error was given' : String(err)}` };
}

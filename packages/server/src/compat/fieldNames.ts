import type { Problem } from '@switchyard/core';
import { AppError } from '../errors.ts';

/** Our field names → a compatibility route's own (`url` → `webhookUrl`). */
export type FieldNames = Readonly<Record<string, string>>;

function rename(path: string, names: FieldNames): string {
  for (const [ours, theirs] of Object.entries(names)) {
    if (path === ours) return theirs;
    if (path.startsWith(`${ours}.`) || path.startsWith(`${ours}[`)) return theirs + path.slice(ours.length);
  }
  return path;
}

/**
 * Runs the webhook service for a compatibility route, so that its errors name the fields the caller sent: a
 * problem at `url` is reported at `webhookUrl` (Saleshandy) or `URL` (LeadSquared). Code, status and message
 * otherwise stay the service's own.
 */
export async function inTheirFieldNames<T>(names: FieldNames, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof AppError) || !Array.isArray(err.details)) throw err;
    const details = (err.details as Problem[]).map((p) =>
      typeof p?.path === 'string' ? { ...p, path: rename(p.path, names) } : p,
    );
    const first = (err.details as Problem[])[0];
    const message =
      first && typeof first.path === 'string' && err.message.startsWith(`${first.path}: `)
        ? `${rename(first.path, names)}: ${err.message.slice(first.path.length + 2)}`
        : err.message;
    throw new AppError(err.code, message, details);
  }
}

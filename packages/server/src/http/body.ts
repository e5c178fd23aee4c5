import type { IncomingMessage } from 'node:http';
import { AppError } from '../errors.ts';

/**
 * Reads and parses a JSON request body, refusing bodies over `maxBytes` with 413 `payload_too_large` and
 * non-JSON bodies with `validation_error`. Returns undefined for an empty body.
 */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge(maxBytes);
    chunks.push(chunk);
  }
  if (size === 0) return undefined;
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type && type !== 'application/json' && !type.endsWith('+json')) {
    throw new AppError('validation_error', `Unsupported Content-Type "${type}": send application/json`);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (err) {
    throw new AppError('validation_error', `The request body is not valid JSON: ${(err as Error).message}`);
  }
}

function tooLarge(maxBytes: number): AppError {
  return new AppError('payload_too_large', `The request body is larger than ${maxBytes} bytes`, {
    max_bytes: maxBytes,
  });
}

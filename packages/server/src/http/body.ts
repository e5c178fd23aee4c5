import type { IncomingMessage } from 'node:http';
import qs from 'qs';
import { AppError } from '../errors.ts';
import { MAX_DEPTH } from './inputPolicy.ts';

/** Most parameters a form-encoded body may hold (a 500-node template sent as a form stays well below it). */
export const MAX_FORM_PARAMETERS = 10_000;
/** Largest array index a form-encoded body may use (`events[999][type]=…`: the batch limit). */
export const MAX_FORM_ARRAY_LENGTH = 1_000;

/** A request body as it was sent: JSON, a form (`application/x-www-form-urlencoded`), or nothing. */
export type RequestBody =
  | { kind: 'none' }
  | { kind: 'json'; value: Record<string, unknown> }
  | { kind: 'form'; value: Record<string, unknown>; text: string };

/** Reads the raw body, refusing more than `maxBytes` with 413 `payload_too_large`. */
export async function readRawBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge(maxBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The media type of a request, lower-cased, without parameters (`''` when none was sent). */
export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function isJsonType(type: string): boolean {
  return type === '' || type === 'application/json' || type.endsWith('+json');
}

/**
 * Reads and parses a REST request body: JSON (also when no Content-Type is sent) or form-encoded with bracket
 * notation (`config[primary_color]=…`, `events[0][type]=…`). Either must be an object, nested at most
 * {@link MAX_DEPTH} levels — checked on the text, before anything recursive touches it. Anything else is 400
 * `validation_error`; more than `maxBytes` is 413.
 */
export async function readRequestBody(req: IncomingMessage, maxBytes: number): Promise<RequestBody> {
  const raw = await readRawBody(req, maxBytes);
  if (raw.length === 0) return { kind: 'none' };
  const type = mediaType(req);
  const text = raw.toString('utf8');
  if (type === 'application/x-www-form-urlencoded') return { kind: 'form', value: parseForm(text), text };
  if (!isJsonType(type)) {
    throw new AppError(
      'validation_error',
      `Unsupported Content-Type "${type}": send application/json or application/x-www-form-urlencoded`,
      [{ path: '(body)', message: `Content-Type ${type} is not accepted` }],
    );
  }
  return { kind: 'json', value: parseJsonObject(text) };
}

/** Parses JSON text that must be an object, after checking its nesting depth without recursion. */
export function parseJsonObject(text: string, what = 'The request body'): Record<string, unknown> {
  assertJsonDepth(text, what);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new AppError('validation_error', `${what} is not valid JSON: ${(err as Error).message}`, [
      { path: '(body)', message: 'not valid JSON' },
    ]);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    throw new AppError('validation_error', `${what} must be a JSON object, not ${got}`, [
      { path: '(body)', message: `expected an object, received ${got}` },
    ]);
  }
  return value as Record<string, unknown>;
}

/**
 * Refuses JSON text nested deeper than {@link MAX_DEPTH} (objects and arrays), scanning it once and keeping only a
 * counter: a body of 10,000 `[` must not reach any recursive code (validation, hashing, the database driver).
 */
export function assertJsonDepth(text: string, what = 'The request body'): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_DEPTH) throw tooDeep(what);
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
}

/**
 * Parses a form-encoded body with `qs` (bracket notation for objects and arrays), with its limits as errors rather
 * than silent truncation: at most {@link MAX_DEPTH} levels, {@link MAX_FORM_PARAMETERS} parameters and arrays of
 * {@link MAX_FORM_ARRAY_LENGTH}. Values stay strings here; {@link typeFormValues} gives them the schema's types.
 */
export function parseForm(text: string): Record<string, unknown> {
  try {
    return qs.parse(text, {
      depth: MAX_DEPTH,
      strictDepth: true,
      parameterLimit: MAX_FORM_PARAMETERS,
      arrayLimit: MAX_FORM_ARRAY_LENGTH,
      throwOnLimitExceeded: true,
      allowPrototypes: false,
      // `a[]=x&a[]=y` and `a[0]=x&a[1]=y` are lists; `a.b=x` is the key "a.b", as in JSON.
      allowDots: false,
      charset: 'utf-8',
    }) as Record<string, unknown>;
  } catch (err) {
    const message = (err as Error).message;
    if (/depth/i.test(message)) throw tooDeep('The form body');
    throw new AppError('validation_error', `The form body is refused: ${message}`, [
      { path: '(body)', message },
    ]);
  }
}

function tooDeep(what: string): AppError {
  return new AppError('validation_error', `${what} is nested deeper than ${MAX_DEPTH} levels`, [
    { path: '(body)', message: `nested deeper than ${MAX_DEPTH} levels` },
  ]);
}

function tooLarge(maxBytes: number): AppError {
  return new AppError('payload_too_large', `The request body is larger than ${maxBytes} bytes`, [
    { path: '(body)', message: `larger than ${maxBytes} bytes`, max_bytes: maxBytes },
  ]);
}

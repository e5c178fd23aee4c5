import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorCode } from '@switchyard/core';
import type { Logger } from 'pino';
import { AppError, errorEnvelope } from '../errors.ts';

/** How a request Node's parser refused is answered: the status, our code and what to tell the client. */
function refusalOf(code: string | undefined): { code: ErrorCode; message: string } {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        code: 'headers_too_large',
        message: 'The request line and headers are larger than 16 KB: send long inputs in the body',
      };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'ERR_HTTP_REQUEST_HEADERS_TIMEOUT':
      return { code: 'request_timeout', message: 'The request did not arrive in time' };
    default:
      return { code: 'validation_error', message: `Malformed HTTP request${code ? ` (${code})` : ''}` };
  }
}

/**
 * Answers a request Node refused before it became one (`clientError`: headers too large, a malformed request line,
 * a timeout) with the error envelope, written straight to the socket as Node requires, then closes the connection.
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Duplex, logger: Logger): void {
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const { code, message } = refusalOf(err.code);
  const refusal = new AppError(code, message);
  const requestId = randomUUID();
  const body = JSON.stringify(errorEnvelope(refusal, requestId));
  logger.debug({ code: err.code, status: refusal.status, requestId }, 'request refused by the HTTP parser');
  socket.end(
    `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status]}\r\n` +
      'Content-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      `X-Request-ID: ${requestId}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}

import pino, { type Logger } from 'pino';

export type { Logger };

/** The process logger: JSON lines, or pretty output when stdout is a terminal. */
export function createLogger(level: string, name: string): Logger {
  const pretty = process.stdout.isTTY;
  return pino({
    name,
    level,
    ...(pretty
      ? { transport: { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname' } } }
      : {}),
  });
}

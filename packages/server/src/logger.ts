import pino, { type Logger } from 'pino';

export type { Logger };

/** The process logger: JSON lines, or pretty output when stdout is a terminal. */
export function createLogger(level: string, name: string): Logger {
  const pretty = process.stdout.isTTY;
  return pino({
    name,
    level,
    ...(pretty
      ? {
          transport: {
            target: 'pino-pretty',
            // One line per entry, its fields on the same line: a console that stays readable.
            options: { colorize: true, ignore: 'pid,hostname', singleLine: true },
          },
        }
      : {}),
  });
}

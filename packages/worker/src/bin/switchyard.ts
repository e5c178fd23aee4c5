#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { parseEnv } from '@switchyard/server';
import {
  keysCreateCommand,
  migrateCommand,
  serveCommand,
  startCommand,
  workerCommand,
} from '../cli/commands.ts';

const USAGE = `Usage: switchyard <command>

Commands:
  start                 database (embedded if DATABASE_URL is unset), migrations, API server and worker
  serve                 the API server only
  worker                a worker only (run as many as you like beside the server)
  migrate               apply database migrations
  keys create [--name <name>] [--scopes <a,b>] [--account <id>]
                        print a new API key (default: all scopes, default account)

Configuration comes from the environment; see the README.`;

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string', default: 'CLI key' },
      scopes: { type: 'string' },
      account: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, sub] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const env = parseEnv(process.env);
  switch (command) {
    case 'start':
      return startCommand(env);
    case 'serve':
      return serveCommand(env);
    case 'worker':
      return workerCommand(env);
    case 'migrate':
      return migrateCommand(env);
    case 'keys':
      if (sub !== 'create') break;
      return keysCreateCommand(env, {
        name: values.name,
        scopes: values.scopes ? values.scopes.split(',').map((s) => s.trim()) : ['admin'],
        accountId: values.account,
      });
  }
  process.stderr.write(`Unknown command: ${positionals.join(' ')}\n\n${USAGE}\n`);
  process.exitCode = 2;
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`switchyard: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

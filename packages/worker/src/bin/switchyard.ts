#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { parseEnv } from '@switchyard/server/db';
import { describeTarget } from '../cli/database.ts';
import { CliError, describeFailure } from '../cli/errors.ts';
import { workerCommand } from '../cli/workerCommand.ts';

/** The API's commands load the HTTP stack: imported only when one of them runs. */
const apiCommands = () => import('../cli/commands.ts');

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
  let env: ReturnType<typeof parseEnv>;
  try {
    env = parseEnv(process.env);
  } catch (err) {
    throw new CliError((err as Error).message, 'fix the variables named above (the README lists them all)');
  }
  switch (command) {
    case 'start':
      return (await apiCommands()).startCommand(env);
    case 'serve':
      return (await apiCommands()).serveCommand(env);
    case 'worker':
      return workerCommand(env);
    case 'migrate':
      return (await apiCommands()).migrateCommand(env);
    case 'keys':
      if (sub !== 'create') break;
      return (await apiCommands()).keysCreateCommand(env, {
        name: values.name,
        scopes: values.scopes ? values.scopes.split(',').map((s) => s.trim()) : ['admin'],
        accountId: values.account,
      });
  }
  process.stderr.write(`Unknown command: ${positionals.join(' ')}\n\n${USAGE}\n`);
  process.exitCode = 2;
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const url = process.env.DATABASE_URL;
  const { message, hint } = describeFailure(err, url ? describeTarget(url) : undefined);
  process.stderr.write(`switchyard: ${message}\n${hint ? `  What to do: ${hint}\n` : ''}`);
  process.exit(1);
});

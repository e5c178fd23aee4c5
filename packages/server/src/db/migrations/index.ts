import { Migration20261122000000_platform } from './Migration20261122000000_platform.ts';
import { Migration20261122005000_workers } from './Migration20261122005000_workers.ts';
import { Migration20261122010000_webhooks } from './Migration20261122010000_webhooks.ts';
import { Migration20261123000000_workflows } from './Migration20261123000000_workflows.ts';
import { Migration20261123001000_executions } from './Migration20261123001000_executions.ts';
import { Migration20261123002000_connections } from './Migration20261123002000_connections.ts';
import { Migration20261123003000_routing } from './Migration20261123003000_routing.ts';
import { Migration20261201100000_stepJobs } from './Migration20261201100000_stepJobs.ts';
import { Migration20261201200000_idempotencyClaims } from './Migration20261201200000_idempotencyClaims.ts';
import { Migration20261201300000_eventNames } from './Migration20261201300000_eventNames.ts';
import { Migration20261201310000_environments } from './Migration20261201310000_environments.ts';
import { Migration20261201320000_failureNotices } from './Migration20261201320000_failureNotices.ts';
import { Migration20261201400000_portal } from './Migration20261201400000_portal.ts';
import { Migration20261202000000_authNotify } from './Migration20261202000000_authNotify.ts';
import { Migration20261202100000_jobAnswers } from './Migration20261202100000_jobAnswers.ts';
import { Migration20261202110000_stepReruns } from './Migration20261202110000_stepReruns.ts';
import { Migration20261202120000_workflowCounts } from './Migration20261202120000_workflowCounts.ts';

/** Every migration, in order. Listed by hand so the runtime never globs the file system for them. */
export const migrationsList = [
  Migration20261122000000_platform,
  Migration20261122005000_workers,
  Migration20261122010000_webhooks,
  Migration20261123000000_workflows,
  Migration20261123001000_executions,
  Migration20261123002000_connections,
  Migration20261123003000_routing,
  Migration20261201100000_stepJobs,
  Migration20261201200000_idempotencyClaims,
  Migration20261201300000_eventNames,
  Migration20261201310000_environments,
  Migration20261201320000_failureNotices,
  Migration20261201400000_portal,
  Migration20261202000000_authNotify,
  Migration20261202100000_jobAnswers,
  Migration20261202110000_stepReruns,
  Migration20261202120000_workflowCounts,
];

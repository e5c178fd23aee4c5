import { z } from 'zod';
import { apiObject } from '../apiObject.ts';
import { PageInput } from '../pagination.ts';
import { timestampShape } from '../time.ts';
import { UserKey as DiscoveredUserKey } from '../users/schema.ts';
import { WorkflowOutput, WorkflowRefInput } from '../workflows/schema.ts';

/** Where an execution stands (`skipped`: refused by the loop guard, it never ran). */
export const ExecutionStatus = z.enum(['waiting', 'running', 'completed', 'failed', 'stopped', 'skipped']);
const StepStatus = z.enum(['pending', 'scheduled', 'running', 'succeeded', 'failed', 'skipped']);

const UserKey = z.string().min(1).max(200);
const ExecutionData = z
  .record(z.string(), z.unknown())
  .describe(
    'Key-value pairs for merge tokens: template data, then this, then the event data take precedence',
  );

/** `GET /v1/executions`: newest first, filtered by workflow, status and user. */
export const ListExecutionsInput = PageInput.extend({
  workflow_id: z.uuid().optional(),
  status: ExecutionStatus.optional(),
  user_key: UserKey.optional(),
});
export type ListExecutionsInput = z.infer<typeof ListExecutionsInput>;

/** Addresses one execution. */
export const ExecutionIdInput = z.object({ id: z.uuid() });

/** One step: one node of the execution. */
export const StepOutput = z.object({
  node_id: z.string(),
  name: z.string().nullable(),
  type: z.string(),
  status: StepStatus,
  attempts: z.number().int(),
  output: z.unknown().describe('What the node produced (a Webhook: status, headers, body)'),
  error: z.unknown().describe('Why the last attempt failed: message, and the answer when there was one'),
  ...timestampShape('run', true),
  ...timestampShape('started', true),
  ...timestampShape('finished', true),
});
export type StepOutput = z.infer<typeof StepOutput>;

/** The execution object (with its steps when fetched alone). */
export const ExecutionOutput = apiObject('execution', {
  workflow_id: z.string(),
  user_key: z.string(),
  status: ExecutionStatus,
  event_id: z.string().nullable(),
  caused_by: z.array(z.string()).describe('The executions whose actions caused the triggering event'),
  stop_event: z.string().nullable(),
  error: z.string().nullable(),
  data: z.record(z.string(), z.unknown()).describe('The merge context the nodes render against'),
  ...timestampShape('created'),
  ...timestampShape('started', true),
  ...timestampShape('finished', true),
  steps: z.array(StepOutput).optional(),
});
export type ExecutionOutput = z.infer<typeof ExecutionOutput>;

/** `POST /v1/executions/stop` (seed 004). */
export const StopExecutionsInput = z.object({
  stop_event: z.string().min(1).max(200).describe('The stop event name'),
  user_key: UserKey.default('main'),
  filters: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('Key-value pairs that must match in the execution data (dotted paths allowed, e.g. deal.id)'),
});
export type StopExecutionsInput = z.infer<typeof StopExecutionsInput>;

/** How many executions a stop event stopped. */
export const StopExecutionsResponse = z.object({
  data: z.object({ stopped: z.number().int(), execution_ids: z.array(z.string()) }),
});

const CommaList = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean));

/** `POST /v1/trigger` (seed 004): an event, or given workflows, or all of a user's workflows. */
export const TriggerInput = z.object({
  event: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe('The event name to trigger; one that starts nothing is accepted too'),
  all_workflows: z
    .union([z.boolean(), z.enum(['true', 'false'])])
    .optional()
    .transform((v) => v === true || v === 'true')
    .describe("Run all of the user's workflows"),
  workflow_ids: CommaList.optional().describe('A comma-separated list of workflow ids'),
  workflow_keys: CommaList.optional().describe('A comma-separated list of workflow keys'),
  user_key: DiscoveredUserKey.default('main').describe(
    'The user whose workflows run (default main); a user that does not exist yet is created',
  ),
  execution_data: ExecutionData.optional(),
  data: z.record(z.string(), z.unknown()).optional().describe("The event's data (with `event`)"),
});
export type TriggerInput = z.infer<typeof TriggerInput>;

/** What one trigger started. */
export const TriggerResultOutput = z.object({
  workflow_id: z.string(),
  execution_id: z.string().nullable(),
  status: z.enum(['running', 'waiting', 'skipped', 'refused']),
  reason: z.string().nullable(),
});

/** `POST /v1/trigger`'s answer. */
export const TriggerResponse = z.object({
  data: z.object({ event_id: z.string().nullable(), executions: z.array(TriggerResultOutput) }),
});

/** `POST /v1/workflows/{id}/execute`. */
export const ExecuteWorkflowInput = WorkflowRefInput.extend({ execution_data: ExecutionData.optional() });
export type ExecuteWorkflowInput = z.infer<typeof ExecuteWorkflowInput>;

/** The workflow (seed 004's answer) and the execution it started. */
export const ExecuteWorkflowResponse = z.object({
  data: WorkflowOutput.extend({ execution_id: z.string().describe('The execution started') }),
});

import type { AuthedContext } from '../context.ts';
import type { Workflow } from '../db/entities/index.ts';
import { readExpand } from '../http/expand.ts';
import { resource, scopedRoute } from '../routes.ts';
import { router } from '../trpc.ts';
import { workflowOutput, workflowOutputs } from './output.ts';
import {
  CloneWorkflowInput,
  CreateWorkflowInput,
  GetWorkflowInput,
  ListWorkflowsInput,
  UpdateWorkflowInput,
  WorkflowListResponse,
  WorkflowOutput,
  WorkflowRefInput,
  WorkflowResponse,
} from './schema.ts';
import {
  cloneWorkflow,
  createWorkflow,
  deleteWorkflow,
  getWorkflow,
  listWorkflows,
  publishWorkflow,
  updateWorkflow,
} from './service.ts';

const tag = 'Workflows';
const byKey =
  'Address it by key with id_type=key, in the query string or the body (within user_key, default main).';

// Lists and gets read stats for all their rows at once and may expand the trigger: those two are the router's own.
const workflows = resource(
  { tag, path: '/workflows/{id}', read: 'workflows:read', write: 'workflows:write' },
  WorkflowOutput,
  (ctx: AuthedContext, w: Workflow) => workflowOutput(ctx, w),
);

/** Workflows: `/v1/workflows` (seed 004's templates and seed 000's rules). */
export const workflowsRouter = router({
  create: workflows.change(
    {
      method: 'POST',
      path: '/workflows',
      summary: 'Create a workflow (a template, or a one-condition-one-action rule)',
      description:
        'Seed 004 form: name, template, event_trigger, stop_event, trigger_conditions (saved as drafts; ' +
        "template_status: 'published' publishes at once). Seed 000 rule form: condition_entity, condition_field, " +
        'condition_operator, condition_value, action_type, action_config: a Start → action workflow, published at ' +
        'once. Errors: validation_error (with node ids), 409 duplicate_name, 409 duplicate_key.',
      status: 201,
      conflict: 'duplicate_name or duplicate_key: the user already has a workflow with this name or key',
      notFound: false,
    },
    CreateWorkflowInput,
    (ctx, input) => createWorkflow(ctx.em, ctx.deps, ctx.auth.account.id, input),
  ),
  list: scopedRoute(
    'workflows:read',
    { method: 'GET', path: '/workflows', tag, summary: 'List workflows, newest first' },
    ListWorkflowsInput,
    WorkflowListResponse,
  ).query(async ({ ctx, input }) => {
    const { rows, meta } = await listWorkflows(ctx.em, ctx.auth.account.id, input);
    return { data: await workflowOutputs(ctx, rows, readExpand(input).has('event_trigger')), meta };
  }),
  get: scopedRoute(
    'workflows:read',
    {
      method: 'GET',
      path: '/workflows/{id}',
      tag,
      summary: 'Fetch a workflow',
      description: `${byKey} expand[]=event_trigger returns the trigger's event type object.`,
      notFound: true,
    },
    GetWorkflowInput,
    WorkflowResponse,
  ).query(async ({ ctx, input }) => {
    const w = await getWorkflow(ctx.em, ctx.auth.account.id, input);
    return { data: await workflowOutput(ctx, w, readExpand(input).has('event_trigger')) };
  }),
  update: workflows.change(
    {
      method: 'PUT',
      summary: 'Update a workflow',
      description:
        'Only the fields given change. template, event_trigger, stop_event and trigger_conditions go to the ' +
        "drafts; template_status: 'published' publishes them. " +
        byKey,
      conflict: 'duplicate_name or duplicate_key',
    },
    UpdateWorkflowInput,
    (ctx, input) => updateWorkflow(ctx.em, ctx.deps, ctx.auth.account.id, input),
  ),
  delete: workflows.change(
    {
      method: 'DELETE',
      summary: 'Delete a workflow',
      description: `It stops triggering at once. ${byKey}`,
    },
    WorkflowRefInput,
    (ctx, input) => deleteWorkflow(ctx.em, ctx.auth.account.id, input),
  ),
  publish: workflows.change(
    {
      method: 'POST',
      path: '/workflows/{id}/publish',
      summary: 'Publish the drafts',
      description:
        'Checks the template (exactly one Start, no cycles, edges between known nodes, every node reachable, ' +
        'valid node settings), the trigger and the conditions; problems come back as validation_error with ' +
        `node ids. ${byKey}`,
    },
    WorkflowRefInput,
    (ctx, input) => publishWorkflow(ctx.em, ctx.deps, ctx.auth.account.id, input),
  ),
  clone: workflows.change(
    {
      method: 'POST',
      path: '/workflows/{id}/clone',
      summary: 'Clone a workflow',
      description: `A draft copy with a new unique key and name. ${byKey}`,
      status: 201,
      conflict: 'duplicate_name or duplicate_key (when given)',
    },
    CloneWorkflowInput,
    (ctx, input) => cloneWorkflow(ctx.em, ctx.deps, ctx.auth.account.id, input),
  ),
});

import type { AuthedContext } from '../context.ts';
import type { Workflow } from '../db/entities/index.ts';
import { listCustomEventTypes } from '../eventTypes/service.ts';
import { toWorkflowOutput, triggerExpander } from './mapper.ts';
import { workflowStats } from './stats.ts';

/** The API shapes of workflows, with their stats and (when asked) expanded triggers. */
export async function workflowOutputs(
  { em, auth }: AuthedContext,
  workflows: readonly Workflow[],
  expand: boolean,
) {
  const stats = await workflowStats(em, workflows);
  const expandTrigger = expand ? triggerExpander(await listCustomEventTypes(em, auth.account.id)) : undefined;
  return workflows.map((w) =>
    toWorkflowOutput(w, auth.account.timeZone, { stats: stats.get(w.id), expandTrigger }),
  );
}

/** The API shape of one workflow, as every workflow response answers it: see {@link workflowOutputs}. */
export async function workflowOutput(ctx: AuthedContext, w: Workflow, expand = false) {
  const [out] = await workflowOutputs(ctx, [w], expand);
  return out as NonNullable<typeof out>;
}

import { accountRouter } from './accounts/router.ts';
import { apiKeysRouter } from './apiKeys/router.ts';
import { compatRouter } from './compat/router.ts';
import { connectionsRouter } from './connections/router.ts';
import { deliveriesRouter } from './deliveries/router.ts';
import { eventsRouter } from './events/router.ts';
import { eventTypesRouter } from './eventTypes/router.ts';
import { executionsRouter, triggerRouter } from './executions/router.ts';
import { portalRouter } from './portal/router.ts';
import { router } from './trpc.ts';
import { usersRouter } from './users/router.ts';
import { webhooksRouter } from './webhooks/router.ts';
import { workflowsRouter } from './workflows/router.ts';

/** Every procedure of the API, served as tRPC under `/trpc` and as REST under `/v1`. */
export const appRouter = router({
  account: accountRouter,
  apiKeys: apiKeysRouter,
  users: usersRouter,
  events: eventsRouter,
  eventTypes: eventTypesRouter,
  webhooks: webhooksRouter,
  deliveries: deliveriesRouter,
  workflows: workflowsRouter,
  executions: executionsRouter,
  trigger: triggerRouter,
  connections: connectionsRouter,
  compat: compatRouter,
  portal: portalRouter,
});

/** The router's type: what `@switchyard/client` imports (as a type only). */
export type AppRouter = typeof appRouter;

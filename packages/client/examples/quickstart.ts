// The README's "Use from TypeScript" snippet is the region below, run by examples/quickstart.test.ts against the real
// server.
// TODO(lead): when workflows land, extend with: a receiver server, `webhooks.create` pointing at it, `events.create`,
// receiving + `verifyNodeRequest` of the delivery, then `workflows.create` + trigger (see the client helper's report).
import { createClient, SwitchyardError } from '@switchyard/client';

/** Upserts a user, walks every user, and handles an error, as the README shows. */
export async function quickstart(baseUrl: string, apiKey: string) {
  // #region use-from-typescript
  const switchyard = createClient({ baseUrl, apiKey });

  // Calls return the resource itself; inputs and outputs are typed from the server's router.
  const ada = await switchyard.users.upsert({
    key: 'ada',
    name: 'Ada Lovelace',
    config: { user_data: { plan: 'pro' } },
  });
  console.log(ada.id, ada.created_at_utc);

  // Every page of a list, newest first.
  for await (const user of switchyard.users.listAll({ limit: 100 })) console.log(user.key);

  // Failures throw a SwitchyardError with a stable code, the HTTP status and the request id.
  try {
    await switchyard.users.get({ key: 'nobody' });
  } catch (err) {
    if (!(err instanceof SwitchyardError) || err.code !== 'not_found') throw err;
    console.log(err.status, err.requestId); // 404 '…'
  }
  // #endregion
  return ada;
}

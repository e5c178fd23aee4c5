// The README's "Use from TypeScript" snippet is the region below, run by examples/quickstart.test.ts against the real
// server.
// The whole loop (a webhook to itself, a verified delivery, a workflow created and triggered) is examples/app.ts.
import { createClient, SwitchyardError } from '@switchyard/client';

/** Upserts a user, reports an event, walks every user, and handles an error, as the README shows. */
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

  // Report what happened in your app: subscribed webhooks and matching workflows take it from there.
  const accepted = await switchyard.events.create({
    type: 'deal.won',
    user_key: 'ada',
    data: { id: 'deal_1', name: 'Acme renewal', amount: 5000 },
  });
  console.log(accepted.id, accepted.duplicate); // '…' false

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

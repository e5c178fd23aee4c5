import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useLocation } from 'wouter';
import { trpc } from '../api.ts';
import { SecretReveal } from '../ui/kit.tsx';
import { valuesOf, WebhookForm, webhookBody } from './WebhookForm.tsx';

/** Adds an endpoint, then shows its signing secret once. */
export default function WebhookCreate() {
  const [, navigate] = useLocation();
  const [created, setCreated] = useState<{ id: string; secret: string } | null>(null);
  const create = useMutation(
    trpc.webhooks.create.mutationOptions({
      onSuccess: (out) => setCreated({ id: out.data.webhook.id, secret: out.data.webhook.secret }),
    }),
  );
  if (created) {
    return (
      <section aria-labelledby="created-title">
        <h1 id="created-title">Endpoint added</h1>
        <SecretReveal secret={created.secret} what="signing secret" />
        <button type="button" className="button primary" onClick={() => navigate(`/webhooks/${created.id}`)}>
          I have saved it — open the endpoint
        </button>
      </section>
    );
  }
  return (
    <section aria-labelledby="new-title">
      <Link href="/webhooks" className="back">
        ← Webhooks
      </Link>
      <h1 id="new-title">Add an endpoint</h1>
      <WebhookForm
        initial={valuesOf()}
        submitLabel="Add endpoint"
        pending={create.isPending}
        error={create.error}
        onCancel={() => navigate('/webhooks')}
        onSubmit={(v) => create.mutate(webhookBody(v))}
      />
    </section>
  );
}

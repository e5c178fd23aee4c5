import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useLocation, useParams } from 'wouter';
import { type Outputs, trpc } from '../api.ts';
import { useFeatures } from '../features.ts';
import { Icon } from '../ui/Icon.tsx';
import { Dialog, ErrorNote, EventChips, SecretReveal, StatusBadge, Time, useToast } from '../ui/kit.tsx';
import { DeliveryLog } from './DeliveryLog.tsx';
import { valuesOf, WebhookForm, webhookBody } from './WebhookForm.tsx';

type TestResult = Outputs['webhooks']['test']['data'];

function localNow(offsetHours: number): string {
  const d = new Date(Date.now() - offsetHours * 3_600_000);
  d.setMinutes(d.getMinutes() - d.getTimezoneOffset());
  return d.toISOString().slice(0, 16);
}

/** One endpoint: its settings, the signing secret's rotation, a test ping, recovery and the delivery log. */
export default function WebhookDetail() {
  const { id } = useParams<{ id: string }>();
  const { readOnly } = useFeatures();
  const [, navigate] = useLocation();
  const qc = useQueryClient();
  const [toast, say] = useToast();
  const [editing, setEditing] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [test, setTest] = useState<TestResult | null>(null);
  const [since, setSince] = useState(() => localNow(24));
  const q = useQuery({ ...trpc.webhooks.get.queryOptions({ id }), refetchInterval: 5_000 });
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.webhooks.get.queryKey({ id }) });
  const update = useMutation(
    trpc.webhooks.update.mutationOptions({
      onSuccess: () => {
        setEditing(false);
        void refresh();
      },
    }),
  );
  const rotate = useMutation(
    trpc.webhooks.rotateSecret.mutationOptions({ onSuccess: (out) => setSecret(out.data.secret) }),
  );
  const ping = useMutation(trpc.webhooks.test.mutationOptions({ onSuccess: (out) => setTest(out.data) }));
  const recover = useMutation(
    trpc.deliveries.recover.mutationOptions({
      onSuccess: (out) =>
        say(`${out.data.queued} failed deliver${out.data.queued === 1 ? 'y' : 'ies'} queued again`),
    }),
  );
  const remove = useMutation(
    trpc.webhooks.delete.mutationOptions({ onSuccess: () => navigate('/webhooks') }),
  );
  const w = q.data?.data;
  if (q.error) return <ErrorNote error={q.error} title="This endpoint could not be loaded" />;
  if (!w) return <p role="status">Loading…</p>;

  const onRecover = (e: FormEvent) => {
    e.preventDefault();
    recover.mutate({ id, since: new Date(since).toISOString() });
  };

  return (
    <section aria-labelledby="endpoint-title">
      <Link href="/webhooks" className="back">
        ← Webhooks
      </Link>
      <div className="page-head">
        <h1 id="endpoint-title" className="url-title">
          {w.url}
        </h1>
        <StatusBadge status={w.status} />
      </div>
      {w.disabled_reason ? <p className="field-error">{w.disabled_reason}</p> : null}

      {editing ? (
        <WebhookForm
          initial={valuesOf(w)}
          submitLabel="Save"
          pending={update.isPending}
          error={update.error}
          onCancel={() => setEditing(false)}
          onSubmit={(v) => update.mutate({ id, ...webhookBody(v) })}
        />
      ) : (
        <div className="endpoint-grid">
          <dl className="facts">
            <dt>Description</dt>
            <dd>{w.description ?? <span className="muted">—</span>}</dd>
            <dt>Events</dt>
            <dd>
              <EventChips events={w.events} />
            </dd>
            <dt>Request</dt>
            <dd>
              {w.method} · {w.content_type}
            </dd>
            <dt>Custom headers</dt>
            <dd>
              {Object.keys(w.headers).length ? (
                Object.keys(w.headers).join(', ')
              ) : (
                <span className="muted">none</span>
              )}
            </dd>
            <dt>Filters</dt>
            <dd>
              {w.filters ? <code>{JSON.stringify(w.filters)}</code> : <span className="muted">none</span>}
            </dd>
            <dt>Last success</dt>
            <dd>
              <Time at={w.last_success_at} utc={w.last_success_at_utc} />
            </dd>
          </dl>
          {readOnly ? null : (
            <div className="endpoint-actions">
              <button type="button" className="button" onClick={() => setEditing(true)}>
                <Icon name="edit" /> Edit
              </button>
              <button
                type="button"
                className="button"
                onClick={() => ping.mutate({ id })}
                disabled={ping.isPending}
              >
                <Icon name="send" /> Send test ping
              </button>
              <button
                type="button"
                className="button"
                onClick={() => update.mutate({ id, active: !w.active })}
              >
                <Icon name={w.active ? 'stop' : 'play'} /> {w.active ? 'Pause' : 'Resume'}
              </button>
              <button type="button" className="button" onClick={() => rotate.mutate({ id })}>
                <Icon name="key" /> Rotate signing secret
              </button>
              <button type="button" className="button danger" onClick={() => setConfirmDelete(true)}>
                <Icon name="trash" /> Delete
              </button>
            </div>
          )}
        </div>
      )}
      {test ? (
        <p className={`test-result test-${test.status}`} role="status" data-testid="test-result">
          Test ping {test.status}
          {test.status_code ? ` (HTTP ${test.status_code})` : ''}
          {test.error ? `: ${test.error}` : ''}
        </p>
      ) : null}
      <ErrorNote error={ping.error ?? rotate.error ?? recover.error ?? remove.error} />

      {readOnly ? null : (
        <form className="recover" onSubmit={onRecover}>
          <label className="field" htmlFor="recover-since">
            <span>Send again every failed delivery since</span>
            <input
              id="recover-since"
              type="datetime-local"
              value={since}
              onChange={(e) => setSince(e.target.value)}
              required
            />
          </label>
          <button type="submit" className="button" disabled={recover.isPending}>
            <Icon name="refresh" /> Recover
          </button>
        </form>
      )}

      <DeliveryLog webhookId={id} />

      <Dialog open={secret !== null} title="New signing secret" onClose={() => setSecret(null)}>
        {secret ? <SecretReveal secret={secret} what="new signing secret" /> : null}
        <p className="muted small">
          The previous secret keeps signing deliveries (a second signature) for 24 hours.
        </p>
      </Dialog>
      <Dialog open={confirmDelete} title="Delete this endpoint?" onClose={() => setConfirmDelete(false)}>
        <p>Nothing more is sent to it and its delivery log is deleted.</p>
        <div className="actions">
          <button type="button" className="button" onClick={() => setConfirmDelete(false)}>
            Cancel
          </button>
          <button type="button" className="button danger" onClick={() => remove.mutate({ id })}>
            Delete
          </button>
        </div>
      </Dialog>
      {toast}
    </section>
  );
}

import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { trpc } from '../api.ts';
import { useFeatures } from '../features.ts';
import { Icon } from '../ui/Icon.tsx';
import { ErrorNote, formatMs, JsonBlock, StatusBadge, Time } from '../ui/kit.tsx';

function Attempts({ id }: { id: string }) {
  const q = useQuery(trpc.deliveries.get.queryOptions({ id }));
  const attempts = q.data?.data.attempts ?? [];
  if (q.error) return <ErrorNote error={q.error} />;
  if (!q.data) return <p role="status">Loading attempts…</p>;
  if (attempts.length === 0) return <p className="muted">No attempt yet.</p>;
  return (
    <ol className="attempts" data-testid={`attempts-${id}`}>
      {attempts.map((a) => (
        <li key={a.number} className="attempt">
          <div className="attempt-head">
            <strong>Attempt {a.number}</strong>
            <span className={`code code-${a.status_code && a.status_code < 300 ? 'ok' : 'bad'}`}>
              {a.status_code ?? a.error_code ?? 'no answer'}
            </span>
            <span className="muted">{formatMs(a.duration_ms)}</span>
            <Time at={a.started_at} utc={a.started_at_utc} />
          </div>
          {a.error ? <p className="field-error">{a.error}</p> : null}
          {a.response_body ? (
            <JsonBlock
              value={a.response_body}
              label={`Response body of attempt ${a.number}`}
              suffix={a.response_truncated ? '\n… (cut at 20 KB)' : ''}
            />
          ) : (
            <p className="muted small">Empty response body.</p>
          )}
        </li>
      ))}
    </ol>
  );
}

/** An endpoint's deliveries, newest first, each with every attempt; retry one. */
export function DeliveryLog({ webhookId }: { webhookId: string }) {
  const { readOnly } = useFeatures();
  const [open, setOpen] = useState<string | null>(null);
  const list = useQuery({
    ...trpc.deliveries.list.queryOptions({ id: webhookId, limit: 50 }),
    refetchInterval: 2_000,
  });
  const retry = useMutation(trpc.deliveries.retry.mutationOptions({ onSuccess: () => void list.refetch() }));
  const rows = list.data?.data ?? [];
  return (
    <section aria-labelledby="log-title" className="delivery-log">
      <h2 id="log-title">Delivery log</h2>
      <ErrorNote error={list.error ?? retry.error} />
      {!list.isPending && rows.length === 0 ? <p className="muted">Nothing delivered yet.</p> : null}
      <ul className="deliveries" data-testid="deliveries">
        {rows.map((d) => (
          <li key={d.id} className="delivery" data-status={d.status}>
            <div className="delivery-row">
              <button
                type="button"
                className="link-button delivery-toggle"
                aria-expanded={open === d.id}
                aria-controls={`delivery-${d.id}`}
                onClick={() => setOpen(open === d.id ? null : d.id)}
              >
                <code>{d.event_type}</code>
              </button>
              <StatusBadge status={d.status} />
              <span className="muted">
                {d.attempts_count} attempt{d.attempts_count === 1 ? '' : 's'}
              </span>
              <span className="muted">
                {d.last_status_code ? `HTTP ${d.last_status_code}` : (d.last_error ?? '')}
              </span>
              <Time at={d.created_at} utc={d.created_at_utc} />
              {readOnly || d.event_id === null ? null : (
                <button
                  type="button"
                  className="button small"
                  onClick={() => retry.mutate({ id: d.id })}
                  aria-label={`Retry ${d.event_type}`}
                >
                  <Icon name="refresh" /> Retry
                </button>
              )}
            </div>
            {open === d.id ? (
              <div id={`delivery-${d.id}`}>
                <Attempts id={d.id} />
              </div>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

import { useMutation, useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'wouter';
import { type Outputs, trpc } from '../api.ts';
import { useFeatures } from '../features.ts';
import { Icon } from '../ui/Icon.tsx';
import { ErrorNote, formatMs, JsonBlock, StatusBadge, Time } from '../ui/kit.tsx';

type Step = NonNullable<Outputs['executions']['get']['data']['steps']>[number];
const ACTIVE = new Set(['running', 'waiting']);

/** A step's time as a `<dt>`/`<dd>` pair, when it has that time. */
function TimeFact({ label, at, utc }: { label: string; at: string | null | undefined; utc?: string | null }) {
  if (!at) return null;
  return (
    <>
      <dt>{label}</dt>
      <dd>
        <Time at={at} utc={utc} />
      </dd>
    </>
  );
}

function sortKey(s: Step): string {
  return s.started_at_utc ?? s.run_at_utc ?? s.finished_at_utc ?? '9999';
}

function StepItem({ step }: { step: Step }) {
  const took =
    step.started_at_utc && step.finished_at_utc
      ? formatMs(Date.parse(step.finished_at_utc) - Date.parse(step.started_at_utc))
      : null;
  return (
    <li className={`step step-${step.status}`} data-testid={`step-${step.node_id}`} data-status={step.status}>
      <div className="step-dot" aria-hidden="true" />
      <div className="step-body">
        <div className="step-head">
          <strong>{step.name ?? step.node_id}</strong>
          <span className="muted">{step.type}</span>
          <StatusBadge status={step.status} />
          <span className="muted">
            {step.attempts} attempt{step.attempts === 1 ? '' : 's'}
          </span>
          {took ? <span className="muted">took {took}</span> : null}
        </div>
        <dl className="step-times">
          <TimeFact label="Scheduled for" at={step.run_at} utc={step.run_at_utc} />
          <TimeFact label="Started" at={step.started_at} utc={step.started_at_utc} />
          <TimeFact label="Finished" at={step.finished_at} utc={step.finished_at_utc} />
        </dl>
        {step.error ? (
          <details open>
            <summary>Error</summary>
            <JsonBlock value={step.error} label={`Error of ${step.node_id}`} />
          </details>
        ) : null}
        {step.output ? (
          <details>
            <summary>Output</summary>
            <JsonBlock value={step.output} label={`Output of ${step.node_id}`} />
          </details>
        ) : null}
      </div>
    </li>
  );
}

/** One execution: every step on a timeline with its status, attempts, output or error; stop, start or rerun it. */
export default function RunDetail() {
  const { id } = useParams<{ id: string }>();
  const { readOnly } = useFeatures();
  const q = useQuery({
    ...trpc.executions.get.queryOptions({ id }),
    refetchInterval: (query) => (ACTIVE.has(query.state.data?.data.status ?? '') ? 1_000 : false),
  });
  const refetch = () => void q.refetch();
  const stop = useMutation(trpc.executions.stop.mutationOptions({ onSuccess: refetch }));
  const start = useMutation(trpc.executions.start.mutationOptions({ onSuccess: refetch }));
  const rerun = useMutation(trpc.executions.rerun.mutationOptions({ onSuccess: refetch }));
  const e = q.data?.data;
  if (q.error) return <ErrorNote error={q.error} title="This run could not be loaded" />;
  if (!e) return <p role="status">Loading…</p>;
  const steps = [...(e.steps ?? [])].sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
  return (
    <section aria-labelledby="run-title">
      <Link href={`/workflows/${e.workflow_id}/runs`} className="back">
        ← Runs
      </Link>
      <div className="page-head">
        <h1 id="run-title">
          Run <code>{e.id.slice(-12)}</code>
        </h1>
        <span data-testid="run-status">
          <StatusBadge status={e.status} />
        </span>
        <div className="spacer" />
        {readOnly ? null : (
          <>
            {ACTIVE.has(e.status) ? (
              <button type="button" className="button danger" onClick={() => stop.mutate({ id })}>
                <Icon name="stop" /> Stop
              </button>
            ) : null}
            {e.status === 'waiting' ? (
              <button type="button" className="button primary" onClick={() => start.mutate({ id })}>
                <Icon name="play" /> Start now
              </button>
            ) : null}
            {e.status === 'failed' ? (
              <button type="button" className="button primary" onClick={() => rerun.mutate({ id })}>
                <Icon name="refresh" /> Rerun from the failed step
              </button>
            ) : null}
          </>
        )}
      </div>
      <ErrorNote error={stop.error ?? start.error ?? rerun.error} />
      <dl className="facts">
        <dt>Created</dt>
        <dd>
          <Time at={e.created_at} utc={e.created_at_utc} />
        </dd>
        <dt>Finished</dt>
        <dd>
          <Time at={e.finished_at} utc={e.finished_at_utc} />
        </dd>
        {e.error ? (
          <>
            <dt>Error</dt>
            <dd>{e.error}</dd>
          </>
        ) : null}
      </dl>
      <h2>Steps</h2>
      <ol className="timeline" aria-label="Steps, in the order they ran">
        {steps.map((s) => (
          <StepItem key={s.node_id} step={s} />
        ))}
      </ol>
      <details>
        <summary>Data the steps were filled from</summary>
        <JsonBlock value={e.data} label="Execution data" />
      </details>
    </section>
  );
}

import { useMutation, useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'wouter';
import { trpc } from '../api.ts';
import { Icon } from '../ui/Icon.tsx';
import { ErrorNote, formatMs, ItemCell, ListTable, Page, StatusBadge, Time } from '../ui/kit.tsx';

const ACTIVE = new Set(['running', 'waiting']);

/** A workflow's executions, newest first; refreshed while any is still going. */
export default function RunsPage() {
  const { id } = useParams<{ id: string }>();
  const workflow = useQuery(trpc.workflows.get.queryOptions({ id }));
  const runs = useQuery({
    ...trpc.executions.list.queryOptions({ workflow_id: id, limit: 50 }),
    refetchInterval: (q) => (q.state.data?.data.some((e) => ACTIVE.has(e.status)) ? 1_000 : 5_000),
  });
  const run = useMutation(trpc.trigger.execute.mutationOptions({ onSuccess: () => void runs.refetch() }));
  return (
    <Page
      titleId="runs-title"
      title="Runs"
      back={
        <Link href={`/workflows/${id}`} className="back">
          ← {workflow.data?.data.name ?? 'Workflow'}
        </Link>
      }
      action={
        workflow.data?.data.last_published_at ? (
          <button
            type="button"
            className="button"
            onClick={() => run.mutate({ id })}
            disabled={run.isPending}
          >
            <Icon name="play" /> Run now
          </button>
        ) : null
      }
    >
      <ErrorNote error={runs.error ?? run.error} />
      <ListTable
        list={runs}
        empty={{
          title: 'No runs yet',
          text: <p>Runs appear here when the workflow’s event happens.</p>,
        }}
        headings={['Run', 'Status', 'Started', 'Took', 'Error']}
        testId="runs"
        row={(e) => (
          <tr key={e.id}>
            <ItemCell href={`/runs/${e.id}`}>
              <code>{e.id.slice(-12)}</code>
            </ItemCell>
            <td>
              <StatusBadge status={e.status} />
            </td>
            <td>
              <Time at={e.started_at ?? e.created_at} utc={e.started_at_utc ?? e.created_at_utc} />
            </td>
            <td>
              {e.started_at_utc && e.finished_at_utc
                ? formatMs(Date.parse(e.finished_at_utc) - Date.parse(e.started_at_utc))
                : '—'}
            </td>
            <td className="muted">{e.error ?? ''}</td>
          </tr>
        )}
      />
    </Page>
  );
}

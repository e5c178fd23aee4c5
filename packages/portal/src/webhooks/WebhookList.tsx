import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { trpc } from '../api.ts';
import { Icon } from '../ui/Icon.tsx';
import { ErrorNote, EventChips, ItemCell, ListTable, Page, StatusBadge, Time } from '../ui/kit.tsx';

/** The user's webhook endpoints. */
export default function WebhookList() {
  const list = useQuery(trpc.webhooks.list.queryOptions({ limit: 100 }));
  return (
    <Page
      titleId="webhooks-title"
      title="Webhooks"
      action={
        <Link href="/webhooks/new" className="button primary">
          <Icon name="plus" /> Add endpoint
        </Link>
      }
    >
      <p className="muted">
        Endpoints receive a signed HTTP request for each event they subscribe to, retried until they answer
        2xx.
      </p>
      <ErrorNote error={list.error} />
      <ListTable
        list={list}
        empty={{
          title: 'No endpoints yet',
          text: <p>Add the URL of your server and pick the events it should receive.</p>,
        }}
        headings={['Endpoint', 'Events', 'Status', 'Last success']}
        testId="endpoints"
        row={(w) => (
          <tr key={w.id}>
            <ItemCell href={`/webhooks/${w.id}`} note={w.description}>
              {w.url}
            </ItemCell>
            <td>
              <EventChips events={w.events} />
            </td>
            <td>
              <StatusBadge status={w.status} />
            </td>
            <td>
              <Time at={w.last_success_at} utc={w.last_success_at_utc} />
            </td>
          </tr>
        )}
      />
    </Page>
  );
}

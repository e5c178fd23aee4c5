import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { type Outputs, trpc } from '../api.ts';
import { useFeatures } from '../features.ts';
import { Icon } from '../ui/Icon.tsx';
import { Dialog, ErrorNote, IconButton, ItemCell, ListTable, Page, StatusBadge, Time } from '../ui/kit.tsx';
import { newTemplate } from './newTemplate.ts';

type Workflow = Outputs['workflows']['list']['data'][number];

function NameDialog({
  title,
  initial,
  submitLabel,
  onSubmit,
  onClose,
  pending,
  error,
}: {
  title: string;
  initial: string;
  submitLabel: string;
  onSubmit: (name: string) => void;
  onClose: () => void;
  pending: boolean;
  error: unknown;
}) {
  const [name, setName] = useState(initial);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim()) onSubmit(name.trim());
  };
  return (
    <Dialog open title={title} onClose={onClose}>
      <form onSubmit={submit} className="form">
        <label className="field">
          <span>Name</span>
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={120} required autoFocus />
        </label>
        <ErrorNote error={error} title="Not saved" />
        <div className="actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={pending}>
            {submitLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** The user's workflows: create, rename, clone, enable or disable, delete; each opens in the builder. */
export function WorkflowList() {
  const { readOnly } = useFeatures();
  const qc = useQueryClient();
  const [, navigate] = useLocation();
  const list = useQuery(trpc.workflows.list.queryOptions({ limit: 100 }));
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.workflows.list.queryKey() });
  const [dialog, setDialog] = useState<
    { kind: 'create' } | { kind: 'rename'; w: Workflow } | { kind: 'delete'; w: Workflow } | null
  >(null);
  const create = useMutation(
    trpc.workflows.create.mutationOptions({
      onSuccess: (out) => {
        void refresh();
        navigate(`/workflows/${out.data.id}`);
      },
    }),
  );
  const update = useMutation(trpc.workflows.update.mutationOptions({ onSuccess: refresh }));
  const clone = useMutation(trpc.workflows.clone.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.workflows.delete.mutationOptions({ onSuccess: refresh }));
  const close = () => {
    setDialog(null);
    create.reset();
    update.reset();
  };
  return (
    <Page
      titleId="workflows-title"
      title="Workflows"
      action={
        <button type="button" className="button primary" onClick={() => setDialog({ kind: 'create' })}>
          <Icon name="plus" /> New workflow
        </button>
      }
    >
      <ErrorNote error={list.error ?? clone.error ?? remove.error} />
      {list.isPending ? <p role="status">Loading…</p> : null}
      <ListTable
        list={list}
        empty={{
          title: 'No workflows yet',
          text: (
            <p>
              A workflow starts when an event happens in the app, then waits, calls webhooks, sends messages…
            </p>
          ),
        }}
        headings={[
          'Name',
          'Trigger',
          'Status',
          'Runs',
          'Last triggered',
          'Enabled',
          <span className="visually-hidden">Actions</span>,
        ]}
        row={(w) => (
          <tr key={w.id}>
            <ItemCell href={`/workflows/${w.id}`}>{w.name}</ItemCell>
            <td>
              <code>{typeof w.event_trigger_draft === 'string' ? w.event_trigger_draft : '—'}</code>
            </td>
            <td>
              <StatusBadge status={w.template_status} />
              {w.disabled_reason ? <small className="muted"> {w.disabled_reason}</small> : null}
            </td>
            <td>
              <Link href={`/workflows/${w.id}/runs`}>{w.executions_count}</Link>
            </td>
            <td>
              <Time at={w.last_triggered_at} utc={w.last_triggered_at_utc} />
            </td>
            <td>
              <label className="switch">
                <input
                  type="checkbox"
                  role="switch"
                  checked={w.enabled}
                  aria-checked={w.enabled}
                  disabled={readOnly || update.isPending}
                  aria-label={`${w.enabled ? 'Disable' : 'Enable'} ${w.name}`}
                  onChange={(e) => update.mutate({ id: w.id, enabled: e.target.checked })}
                />
                <span aria-hidden="true" />
              </label>
            </td>
            <td className="row-actions">
              {readOnly ? null : (
                <>
                  <IconButton
                    icon="edit"
                    label={`Rename ${w.name}`}
                    title="Rename"
                    onClick={() => setDialog({ kind: 'rename', w })}
                  />
                  <IconButton
                    icon="copy"
                    label={`Clone ${w.name}`}
                    title="Clone"
                    onClick={() => clone.mutate({ id: w.id })}
                  />
                  <IconButton
                    icon="trash"
                    label={`Delete ${w.name}`}
                    title="Delete"
                    danger
                    onClick={() => setDialog({ kind: 'delete', w })}
                  />
                </>
              )}
            </td>
          </tr>
        )}
      />

      {dialog?.kind === 'create' ? (
        <NameDialog
          title="New workflow"
          initial=""
          submitLabel="Create"
          pending={create.isPending}
          error={create.error}
          onClose={close}
          onSubmit={(name) => create.mutate({ name, template: newTemplate(), enabled: true })}
        />
      ) : null}
      {dialog?.kind === 'rename' ? (
        <NameDialog
          title={`Rename ${dialog.w.name}`}
          initial={dialog.w.name}
          submitLabel="Rename"
          pending={update.isPending}
          error={update.error}
          onClose={close}
          onSubmit={(name) => update.mutate({ id: dialog.w.id, name }, { onSuccess: close })}
        />
      ) : null}
      {dialog?.kind === 'delete' ? (
        <Dialog open title={`Delete ${dialog.w.name}?`} onClose={close}>
          <p>It stops at once, and its running executions are stopped. This cannot be undone.</p>
          <div className="actions">
            <button type="button" className="button" onClick={close}>
              Cancel
            </button>
            <button
              type="button"
              className="button danger"
              onClick={() => remove.mutate({ id: dialog.w.id }, { onSuccess: close })}
            >
              Delete
            </button>
          </div>
        </Dialog>
      ) : null}
    </Page>
  );
}

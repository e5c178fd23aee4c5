import { type ReactNode, useEffect, useRef, useState } from 'react';
import { Link } from 'wouter';
import { apiError } from '../api.ts';
import { useFeatures } from '../features.ts';
import { Icon, type IconName } from './Icon.tsx';

/** A button showing only an icon: `label` names it for assistive technology, `title` (when given) as a tooltip. */
export function IconButton({
  icon,
  label,
  title,
  danger,
  disabled,
  onClick,
}: {
  icon: IconName;
  label: string;
  title?: string;
  danger?: boolean;
  disabled?: boolean;
  onClick: () => void;
}) {
  return (
    <button
      type="button"
      className={danger ? 'icon-button danger' : 'icon-button'}
      aria-label={label}
      title={title}
      disabled={disabled}
      onClick={onClick}
    >
      <Icon name={icon} />
    </button>
  );
}

/** A status as a coloured, labelled chip (never colour alone). */
export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${status}`}>{status.replaceAll('_', ' ')}</span>;
}

/** An instant as the account's readable string, with the exact time on hover. */
export function Time({ at, utc }: { at: string | null | undefined; utc?: string | null }) {
  if (!at) return <span className="muted">—</span>;
  const d = new Date(utc ?? at);
  return (
    <time dateTime={utc ?? at} title={d.toISOString()}>
      {d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' })}
    </time>
  );
}

/** What went wrong with a call, in words, with its request id for support. */
export function ErrorNote({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const e = apiError(error);
  return (
    <div className="error-note" role="alert">
      <strong>{title ?? 'Something went wrong'}</strong>
      <span>{e.message}</span>
      {e.requestId ? <small className="muted">Request {e.requestId}</small> : null}
    </div>
  );
}

/**
 * A page: its heading with, beside it, the page's main action (hidden when the session is read only), then its
 * body. `back` (a link to the page above) stands before the heading.
 */
export function Page({
  titleId,
  title,
  back,
  action,
  children,
}: {
  titleId: string;
  title: ReactNode;
  back?: ReactNode;
  action?: ReactNode;
  children: ReactNode;
}) {
  const { readOnly } = useFeatures();
  return (
    <section aria-labelledby={titleId}>
      {back}
      <div className="page-head">
        <h1 id={titleId}>{title}</h1>
        {readOnly ? null : action}
      </div>
      {children}
    </section>
  );
}

/** Event types (or patterns) as a row of chips. */
export function EventChips({ events }: { events: readonly string[] }) {
  return events.map((e) => (
    <code key={e} className="chip">
      {e}
    </code>
  ));
}

/** A page with nothing in it yet, saying what to do. */
export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <h2>{title}</h2>
      {children}
    </div>
  );
}

/**
 * A list page's body, from the list query's answer: `empty` (its title and text) once loaded with no rows, else a
 * table with one column per heading and `row` for each row (a `<tr>` keyed by the caller).
 */
export function ListTable<T>({
  list,
  headings,
  empty,
  testId,
  row,
}: {
  list: { data?: { data: readonly T[] }; isPending: boolean };
  headings: ReactNode[];
  empty: { title: string; text: ReactNode };
  testId?: string;
  row: (item: T) => ReactNode;
}) {
  const rows = list.data?.data ?? [];
  if (rows.length === 0) return list.isPending ? null : <Empty title={empty.title}>{empty.text}</Empty>;
  return (
    <table className="table" data-testid={testId}>
      <thead>
        <tr>
          {headings.map((h, i) => (
            // Headings are fixed per page: their position is their identity.
            <th key={i} scope="col">
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{rows.map(row)}</tbody>
    </table>
  );
}

/** A list row's first cell: the link to the item's own page, with a note under it when there is one. */
export function ItemCell({ href, note, children }: { href: string; note?: ReactNode; children: ReactNode }) {
  return (
    <td>
      <Link href={href} className="strong-link">
        {children}
      </Link>
      {note ? <div className="muted small">{note}</div> : null}
    </td>
  );
}

/** A modal dialog on the native <dialog> element (focus is trapped and Escape closes it). */
export function Dialog({
  open,
  title,
  onClose,
  children,
}: {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} className="dialog" aria-labelledby="dialog-title" onClose={onClose}>
      <header>
        <h2 id="dialog-title">{title}</h2>
        <IconButton icon="x" label="Close" onClick={onClose} />
      </header>
      {open ? children : null}
    </dialog>
  );
}

/** A secret shown once, with a copy button and a warning that it will not be shown again. */
export function SecretReveal({ secret, what }: { secret: string; what: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="secret">
      <p>
        This is the only time the {what} is shown. Copy it now and keep it somewhere safe: your receiver needs
        it to check each delivery's signature.
      </p>
      <div className="secret-row">
        <code data-testid="secret">{secret}</code>
        <button
          type="button"
          className="button"
          onClick={() => {
            void navigator.clipboard?.writeText(secret).then(() => setCopied(true));
          }}
        >
          <Icon name="copy" /> {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
    </div>
  );
}

/** Pretty JSON (or any text) in a scrollable block that the keyboard can reach and scroll. */
export function JsonBlock({ value, label, suffix }: { value: unknown; label: string; suffix?: string }) {
  if (value === null || value === undefined) return null;
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable block must be reachable by keyboard (WCAG 2.1.1)
    <section className="json" aria-label={label} tabIndex={0}>
      <pre>
        {text}
        {suffix}
      </pre>
    </section>
  );
}

/** A live region for short confirmations ("Published"), read out by screen readers. */
export function useToast(): [ReactNode, (message: string) => void] {
  const [message, setMessage] = useState<string | null>(null);
  useEffect(() => {
    if (!message) return;
    const t = setTimeout(() => setMessage(null), 3500);
    return () => clearTimeout(t);
  }, [message]);
  const node = (
    <div className="toast" role="status" aria-live="polite">
      {message}
    </div>
  );
  return [node, setMessage];
}

/** A duration in ms, short. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

import { type FormEvent, useState } from 'react';
import { type Outputs, problemsOf } from '../api.ts';
import { ConditionEditor } from '../conditions/ConditionEditor.tsx';
import { Field, problemAttributes } from '../ui/Field.tsx';
import { Icon } from '../ui/Icon.tsx';
import { ErrorNote, IconButton } from '../ui/kit.tsx';
import { EventPicker } from './EventPicker.tsx';

type Webhook = Outputs['webhooks']['get']['data'];

/** What the form edits: an endpoint's settings. */
export interface WebhookValues {
  url: string;
  description: string | null;
  events: string[];
  filters: unknown;
  method: 'POST' | 'PUT' | 'PATCH';
  content_type: 'application/json' | 'application/x-www-form-urlencoded' | 'text/plain';
  headers: Record<string, string>;
  active: boolean;
}

const MAX_HEADERS = 10;

/** The form's values of an existing endpoint (or a new one's defaults). */
export function valuesOf(w?: Webhook): WebhookValues {
  return {
    url: w?.url ?? '',
    description: w?.description ?? null,
    events: w?.events ?? [],
    filters: w?.filters ?? null,
    method: (w?.method as WebhookValues['method']) ?? 'POST',
    content_type: (w?.content_type as WebhookValues['content_type']) ?? 'application/json',
    headers: w?.headers ?? {},
    active: w?.active ?? true,
  };
}

/** The API body of the form's values: what creating and updating an endpoint both send (the same fields). */
export function webhookBody(v: WebhookValues) {
  // The condition editor's value is any condition tree; the API checks it.
  return { ...v, filters: v.filters as Record<string, unknown> | null };
}

/** One half of a custom header row, its name or its value, labelled for assistive technology only. */
function HeaderPart({
  id,
  label,
  placeholder,
  value,
  onChange,
}: {
  id: string;
  label: string;
  placeholder: string;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <>
      <label className="visually-hidden" htmlFor={id}>
        {label}
      </label>
      <input id={id} placeholder={placeholder} value={value} onChange={(e) => onChange(e.target.value)} />
    </>
  );
}

/**
 * An endpoint's settings: URL, description, the events (wildcards allowed), filters on the event, custom headers
 * (up to 10), method and content type. The API's problems are shown at their field.
 */
export function WebhookForm({
  initial,
  submitLabel,
  pending,
  error,
  onSubmit,
  onCancel,
}: {
  initial: WebhookValues;
  submitLabel: string;
  pending: boolean;
  error: unknown;
  onSubmit: (v: WebhookValues) => void;
  onCancel?: () => void;
}) {
  const [v, setV] = useState(initial);
  const [headers, setHeaders] = useState<[string, string][]>(() => Object.entries(initial.headers));
  const problems = problemsOf(error);
  const at = (field: string) =>
    problems.find((p) => p.path === field || p.path.startsWith(`${field}.`) || p.path.startsWith(`${field}[`))
      ?.message;
  const generalError = error && problems.length === 0 ? error : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const h = Object.fromEntries(headers.filter(([k]) => k.trim() !== '').map(([k, val]) => [k.trim(), val]));
    onSubmit({ ...v, headers: h });
  };
  return (
    <form className="form webhook-form" onSubmit={submit} noValidate>
      <Field id="wh-url" label="Endpoint URL" required problem={at('url')}>
        <input
          id="wh-url"
          type="url"
          required
          placeholder="https://example.com/webhooks"
          value={v.url}
          {...problemAttributes('wh-url', at('url'))}
          onChange={(e) => setV({ ...v, url: e.target.value })}
        />
      </Field>
      <Field id="wh-description" label="Description">
        <input
          id="wh-description"
          maxLength={200}
          value={v.description ?? ''}
          onChange={(e) => setV({ ...v, description: e.target.value || null })}
        />
      </Field>
      <EventPicker value={v.events} onChange={(events) => setV({ ...v, events })} invalid={at('events')} />
      <Field
        id="wh-filters"
        label="Only send events whose data matches (optional)"
        problem={at('filters')}
        group
      >
        <ConditionEditor
          id="wh-filters"
          value={v.filters}
          emptyAs={null}
          onChange={(filters) => setV({ ...v, filters })}
        />
      </Field>
      <div className="row">
        <Field id="wh-method" label="Method">
          <select
            id="wh-method"
            value={v.method}
            onChange={(e) => setV({ ...v, method: e.target.value as WebhookValues['method'] })}
          >
            <option>POST</option>
            <option>PUT</option>
            <option>PATCH</option>
          </select>
        </Field>
        <Field id="wh-content-type" label="Content type">
          <select
            id="wh-content-type"
            value={v.content_type}
            onChange={(e) => setV({ ...v, content_type: e.target.value as WebhookValues['content_type'] })}
          >
            <option>application/json</option>
            <option>application/x-www-form-urlencoded</option>
            <option>text/plain</option>
          </select>
        </Field>
      </div>
      <fieldset className="headers-editor">
        <legend>Custom headers (up to {MAX_HEADERS})</legend>
        {headers.map(([k, val], i) => (
          <div className="row" key={i}>
            <HeaderPart
              id={`wh-h-${i}-name`}
              label="Header name"
              placeholder="X-Header-Name"
              value={k}
              onChange={(name) => setHeaders(headers.map((h, j) => (j === i ? [name, h[1]] : h)))}
            />
            <HeaderPart
              id={`wh-h-${i}-value`}
              label="Header value"
              placeholder="value"
              value={val}
              onChange={(value) => setHeaders(headers.map((h, j) => (j === i ? [h[0], value] : h)))}
            />
            <IconButton
              icon="x"
              label={`Remove header ${k || i + 1}`}
              onClick={() => setHeaders(headers.filter((_, j) => j !== i))}
            />
          </div>
        ))}
        {headers.length < MAX_HEADERS ? (
          <button type="button" className="button small" onClick={() => setHeaders([...headers, ['', '']])}>
            <Icon name="plus" /> Header
          </button>
        ) : null}
        {at('headers') ? <span className="field-error">{at('headers')}</span> : null}
      </fieldset>
      <label className="check">
        <input
          type="checkbox"
          checked={v.active}
          onChange={(e) => setV({ ...v, active: e.target.checked })}
        />
        <span>Active (unchecked: paused, nothing is sent)</span>
      </label>
      <ErrorNote error={generalError} title="Not saved" />
      {problems.length > 0 &&
      !problems.some((p) => ['url', 'events', 'filters', 'headers'].some((f) => p.path.startsWith(f))) ? (
        <ErrorNote error={error} title="Not saved" />
      ) : null}
      <div className="actions">
        {onCancel ? (
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
        <button type="submit" className="button primary" disabled={pending}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}

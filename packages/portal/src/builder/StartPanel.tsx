import { useQuery } from '@tanstack/react-query';
import { trpc } from '../api.ts';
import { ConditionEditor } from '../conditions/ConditionEditor.tsx';
import { Field, problemAttributes } from '../ui/Field.tsx';

/** What the Start step holds: the trigger and its conditions, the stop event and the workflow's own settings. */
export interface StartSettings {
  event_trigger: string | null;
  trigger_conditions: unknown;
  stop_event: string | null;
  auto_start: boolean;
  max_triggers_per_day: number | null;
}

/**
 * The Start step's form: the event that starts the workflow (from the catalog, or a whole entity's with `deal.*`),
 * conditions the event must meet (every operator, all/any groups), the stop event (one of the account's, as seed 004
 * describes the drop-down) and how it starts.
 */
export function StartPanel({
  value,
  onChange,
  stopEvents,
  fields,
  problems,
  readOnly,
}: {
  value: StartSettings;
  onChange: (next: StartSettings) => void;
  stopEvents: readonly string[];
  fields: readonly string[];
  problems: Record<string, string>;
  readOnly: boolean;
}) {
  const catalog = useQuery(trpc.portal.eventTypes.queryOptions({}));
  const types = catalog.data?.data ?? [];
  const entities = [...new Set(types.map((t) => t.entity))];
  const set = <K extends keyof StartSettings>(k: K, v: StartSettings[K]) => onChange({ ...value, [k]: v });
  const known =
    value.event_trigger === null ||
    types.some((t) => t.type === value.event_trigger) ||
    value.event_trigger.endsWith('*');
  return (
    <div className="node-form">
      <Field id="start-trigger" label="Starts when" required problem={problems.event_trigger}>
        <select
          id="start-trigger"
          value={value.event_trigger ?? ''}
          disabled={readOnly}
          {...problemAttributes('start-trigger', problems.event_trigger)}
          onChange={(e) => set('event_trigger', e.target.value || null)}
        >
          <option value="">Choose an event…</option>
          {known ? null : <option value={value.event_trigger ?? ''}>{value.event_trigger}</option>}
          {entities.map((entity) => (
            <optgroup key={entity} label={entity}>
              {types
                .filter((t) => t.entity === entity)
                .map((t) => (
                  <option key={t.type} value={t.type}>
                    {t.type}
                    {t.description ? ` — ${t.description}` : ''}
                  </option>
                ))}
              <option value={`${entity}.*`}>{`${entity}.* — any ${entity} event`}</option>
            </optgroup>
          ))}
        </select>
      </Field>

      <Field
        id="trigger-conditions"
        label="Only when the event’s data matches"
        problem={problems.trigger_conditions}
        group
      >
        <ConditionEditor
          id="trigger-conditions"
          value={value.trigger_conditions}
          fields={fields}
          emptyAs={{}}
          disabled={readOnly}
          onChange={(c) => set('trigger_conditions', c)}
        />
      </Field>

      <Field id="start-stop" label="Stop running executions on" problem={problems.stop_event}>
        {stopEvents.length > 0 ? (
          <select
            id="start-stop"
            value={value.stop_event ?? ''}
            disabled={readOnly}
            onChange={(e) => set('stop_event', e.target.value || null)}
          >
            <option value="">No stop event</option>
            {stopEvents.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        ) : (
          <select id="start-stop" disabled value="">
            <option value="">No stop events are set up for this account</option>
          </select>
        )}
      </Field>

      <label className="check">
        <input
          type="checkbox"
          checked={value.auto_start}
          disabled={readOnly}
          onChange={(e) => set('auto_start', e.target.checked)}
        />
        <span>Start at once when triggered (off: each run waits for a manual start)</span>
      </label>
      <Field id="start-max" label="At most this many runs a day (empty: no limit)">
        <input
          id="start-max"
          type="number"
          min={1}
          value={value.max_triggers_per_day ?? ''}
          disabled={readOnly}
          onChange={(e) => set('max_triggers_per_day', e.target.value === '' ? null : Number(e.target.value))}
        />
      </Field>
    </div>
  );
}

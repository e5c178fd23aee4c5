import { useQuery } from '@tanstack/react-query';
import { trpc } from '../api.ts';
import { ConditionEditor } from '../conditions/ConditionEditor.tsx';

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
      <label className="field" htmlFor="start-trigger">
        <span>
          Starts when <span aria-hidden="true">*</span>
        </span>
        <select
          id="start-trigger"
          value={value.event_trigger ?? ''}
          disabled={readOnly}
          aria-invalid={problems.event_trigger ? true : undefined}
          aria-describedby={problems.event_trigger ? 'start-trigger-error' : undefined}
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
        {problems.event_trigger ? (
          <span id="start-trigger-error" className="field-error">
            {problems.event_trigger}
          </span>
        ) : null}
      </label>

      <div className="field">
        <span>Only when the event’s data matches</span>
        <ConditionEditor
          id="trigger-conditions"
          value={value.trigger_conditions}
          fields={fields}
          emptyAs={{}}
          disabled={readOnly}
          onChange={(c) => set('trigger_conditions', c)}
        />
        {problems.trigger_conditions ? (
          <span className="field-error">{problems.trigger_conditions}</span>
        ) : null}
      </div>

      <label className="field" htmlFor="start-stop">
        <span>Stop running executions on</span>
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
        {problems.stop_event ? <span className="field-error">{problems.stop_event}</span> : null}
      </label>

      <label className="check">
        <input
          type="checkbox"
          checked={value.auto_start}
          disabled={readOnly}
          onChange={(e) => set('auto_start', e.target.checked)}
        />
        <span>Start at once when triggered (off: each run waits for a manual start)</span>
      </label>
      <label className="field" htmlFor="start-max">
        <span>At most this many runs a day (empty: no limit)</span>
        <input
          id="start-max"
          type="number"
          min={1}
          value={value.max_triggers_per_day ?? ''}
          disabled={readOnly}
          onChange={(e) => set('max_triggers_per_day', e.target.value === '' ? null : Number(e.target.value))}
        />
      </label>
    </div>
  );
}

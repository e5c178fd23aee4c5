import { useQuery } from '@tanstack/react-query';
import { trpc } from '../api.ts';

/**
 * Picks the event types an endpoint receives: single types, a whole entity (`deal.*`) or everything (`*`); a
 * wildcard covers (and disables) the types under it.
 */
export function EventPicker({
  value,
  onChange,
  invalid,
}: {
  value: readonly string[];
  onChange: (next: string[]) => void;
  invalid?: string;
}) {
  const catalog = useQuery(trpc.portal.eventTypes.queryOptions({}));
  const types = catalog.data?.data ?? [];
  const entities = [...new Set(types.map((t) => t.entity))];
  const all = value.includes('*');
  const toggle = (name: string, on: boolean) => {
    const next = new Set(value);
    if (on) next.add(name);
    else next.delete(name);
    // A wildcard makes the names it covers redundant.
    if (on && name.endsWith('.*'))
      for (const t of types) if (t.entity === name.slice(0, -2)) next.delete(t.type);
    onChange([...next]);
  };
  return (
    <fieldset className="event-picker" aria-describedby={invalid ? 'events-error' : undefined}>
      <legend>Events to send</legend>
      <label className="check">
        <input type="checkbox" checked={all} onChange={(e) => onChange(e.target.checked ? ['*'] : [])} />
        <span>
          Everything <code>*</code>
        </span>
      </label>
      <div className="event-groups">
        {entities.map((entity) => {
          const wildcard = `${entity}.*`;
          const whole = all || value.includes(wildcard);
          return (
            <fieldset key={entity} className="event-group" disabled={all}>
              <legend>{entity}</legend>
              <label className="check">
                <input type="checkbox" checked={whole} onChange={(e) => toggle(wildcard, e.target.checked)} />
                <span>
                  All <code>{wildcard}</code>
                </span>
              </label>
              {types
                .filter((t) => t.entity === entity)
                .map((t) => (
                  <label key={t.type} className="check" title={t.description ?? undefined}>
                    <input
                      type="checkbox"
                      checked={whole || value.includes(t.type)}
                      disabled={whole}
                      onChange={(e) => toggle(t.type, e.target.checked)}
                    />
                    <span>{t.type}</span>
                  </label>
                ))}
            </fieldset>
          );
        })}
      </div>
      {invalid ? (
        <span id="events-error" className="field-error">
          {invalid}
        </span>
      ) : null}
    </fieldset>
  );
}

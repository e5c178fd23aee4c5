import type { Problem } from '../api.ts';
import { Field } from '../ui/Field.tsx';
import { Icon } from '../ui/Icon.tsx';
import { NodeForm } from './NodeForm.tsx';
import { StartPanel, type StartSettings } from './StartPanel.tsx';
import { NODE_LABELS, type TemplateNode } from './template.ts';

/**
 * The selected step's settings, its problems, and keyboard ways to do what the canvas does by mouse: connect it to
 * another step, remove a connection, delete it.
 */
export function SettingsPanel({
  node,
  nodes,
  children,
  onChange,
  onConnect,
  onDisconnect,
  onDelete,
  start,
  onStartChange,
  stopEvents,
  problems,
  fieldProblems,
  tokens,
  fields,
  readOnly,
}: {
  node: TemplateNode | null;
  nodes: readonly TemplateNode[];
  children: readonly string[];
  onChange: (n: TemplateNode) => void;
  onConnect: (to: string) => void;
  onDisconnect: (to: string) => void;
  onDelete: () => void;
  start: StartSettings;
  onStartChange: (s: StartSettings) => void;
  stopEvents: readonly string[];
  problems: readonly Problem[];
  fieldProblems: Record<string, string>;
  tokens: readonly string[];
  fields: readonly string[];
  readOnly: boolean;
}) {
  if (!node) {
    return (
      <aside className="panel" aria-label="Step settings">
        <p className="muted">
          Select a step to change its settings. Drag from a step’s bottom handle to another step to connect
          them.
        </p>
      </aside>
    );
  }
  const meta = NODE_LABELS[node.type];
  const targets = nodes.filter((n) => n.id !== node.id && n.type !== 'Start' && !children.includes(n.id));
  const general = problems.filter((p) => !Object.keys(fieldProblems).some((f) => p.path.endsWith(`.${f}`)));
  // What either settings form takes besides its value: the problems at its fields, the data fields, read-only.
  const form = { problems: fieldProblems, fields, readOnly };
  return (
    <aside className="panel" aria-labelledby="panel-title" data-testid="settings-panel">
      <header className="panel-head">
        <Icon name={meta?.icon ?? 'flag'} />
        <h2 id="panel-title">{meta?.label ?? node.type}</h2>
      </header>
      {general.length > 0 ? (
        <ul className="problems" aria-label="Problems with this step">
          {general.map((p) => (
            <li key={`${p.path}:${p.message}`}>{p.message}</li>
          ))}
        </ul>
      ) : null}
      <Field id={`name-${node.id}`} label="Step name">
        <input
          id={`name-${node.id}`}
          value={node.name ?? ''}
          maxLength={200}
          disabled={readOnly}
          onChange={(e) => onChange({ ...node, name: e.target.value })}
        />
      </Field>
      {node.type === 'Start' ? (
        <StartPanel value={start} onChange={onStartChange} stopEvents={stopEvents} {...form} />
      ) : (
        <NodeForm node={node} onChange={onChange} tokens={tokens} {...form} />
      )}
      <section className="panel-section" aria-labelledby="next-title">
        <h3 id="next-title">Next steps</h3>
        {children.length === 0 ? <p className="muted small">None yet.</p> : null}
        <ul className="next-list">
          {children.map((c) => (
            <li key={c}>
              <span>{nodes.find((n) => n.id === c)?.name ?? c}</span>
              {readOnly ? null : (
                <button type="button" className="link-button" onClick={() => onDisconnect(c)}>
                  Disconnect
                </button>
              )}
            </li>
          ))}
        </ul>
        {readOnly || targets.length === 0 ? null : (
          <Field id={`connect-${node.id}`} label="Connect to">
            <select
              id={`connect-${node.id}`}
              value=""
              onChange={(e) => {
                if (e.target.value) onConnect(e.target.value);
              }}
            >
              <option value="">Choose a step…</option>
              {targets.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name ?? t.id}
                </option>
              ))}
            </select>
          </Field>
        )}
      </section>
      {node.type === 'Start' || readOnly ? null : (
        <button type="button" className="button danger" onClick={onDelete}>
          <Icon name="trash" /> Delete this step
        </button>
      )}
    </aside>
  );
}

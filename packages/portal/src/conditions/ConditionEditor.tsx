import { OPERATORS, VALUELESS_OPERATORS } from 'virtual:switchyard-core';
import { Icon } from '../ui/Icon.tsx';
import { IconButton } from '../ui/kit.tsx';

/** One comparison of a field of the event. */
interface Leaf {
  field: string;
  operator: string;
  value?: unknown;
}
/** `all` (and) or `any` (or) of conditions. */
type Group = { all: Cond[] } | { any: Cond[] };
type Cond = Leaf | Group;

const MAX_DEPTH = 3;

const OPERATOR_LABELS: Record<string, string> = {
  equals: 'equals',
  not_equals: 'does not equal',
  contains: 'contains',
  changed: 'changed',
  changed_to: 'changed to',
  changed_from: 'changed from',
  greater_than: 'is greater than',
  less_than: 'is less than',
  in: 'is one of',
  exists: 'exists',
};

function isGroup(c: unknown): c is Group {
  return typeof c === 'object' && c !== null && ('all' in c || 'any' in c);
}

function itemsOf(g: Group): Cond[] {
  return 'all' in g ? g.all : g.any;
}

function modeOf(g: Group): 'all' | 'any' {
  return 'all' in g ? 'all' : 'any';
}

/** Any stored condition as a group: `{}` or null is an empty `all`, a single comparison a group of one. */
export function asGroup(value: unknown): Group {
  if (isGroup(value)) return value;
  if (typeof value === 'object' && value !== null && 'field' in value) return { all: [value as Leaf] };
  return { all: [] };
}

function valueText(v: unknown): string {
  if (Array.isArray(v)) return v.join(', ');
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function valueFrom(text: string, operator: string): unknown {
  if (operator === 'in')
    return text
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  return text;
}

function LeafRow({
  leaf,
  onChange,
  onRemove,
  id,
  fieldsList,
  disabled,
}: {
  leaf: Leaf;
  onChange: (l: Leaf) => void;
  onRemove: () => void;
  id: string;
  fieldsList: string;
  disabled: boolean;
}) {
  const valueless = VALUELESS_OPERATORS.includes(leaf.operator);
  return (
    <div className="cond-row">
      <label className="visually-hidden" htmlFor={`${id}-field`}>
        Field
      </label>
      <input
        id={`${id}-field`}
        list={fieldsList}
        placeholder="field, e.g. status"
        value={leaf.field}
        disabled={disabled}
        onChange={(e) => onChange({ ...leaf, field: e.target.value })}
      />
      <label className="visually-hidden" htmlFor={`${id}-op`}>
        Operator
      </label>
      <select
        id={`${id}-op`}
        value={leaf.operator}
        disabled={disabled}
        onChange={(e) => {
          const operator = e.target.value;
          const next: Leaf = { field: leaf.field, operator };
          if (!VALUELESS_OPERATORS.includes(operator))
            next.value = valueFrom(valueText(leaf.value), operator);
          onChange(next);
        }}
      >
        {OPERATORS.map((op) => (
          <option key={op} value={op}>
            {OPERATOR_LABELS[op] ?? op}
          </option>
        ))}
      </select>
      {valueless ? (
        <span className="cond-novalue" />
      ) : (
        <>
          <label className="visually-hidden" htmlFor={`${id}-value`}>
            Value
          </label>
          <input
            id={`${id}-value`}
            placeholder={leaf.operator === 'in' ? 'a, b, c' : 'value'}
            value={valueText(leaf.value)}
            disabled={disabled}
            onChange={(e) => onChange({ ...leaf, value: valueFrom(e.target.value, leaf.operator) })}
          />
        </>
      )}
      <IconButton icon="x" label="Remove this condition" onClick={onRemove} disabled={disabled} />
    </div>
  );
}

function GroupEditor({
  group,
  onChange,
  onRemove,
  depth,
  id,
  fieldsList,
  disabled,
}: {
  group: Group;
  onChange: (g: Group) => void;
  onRemove?: () => void;
  depth: number;
  id: string;
  fieldsList: string;
  disabled: boolean;
}) {
  const items = itemsOf(group);
  const mode = modeOf(group);
  const set = (next: Cond[], m = mode): void => onChange(m === 'all' ? { all: next } : { any: next });
  return (
    <fieldset className={`cond-group depth-${depth}`}>
      <legend className="visually-hidden">Condition group</legend>
      <div className="cond-head">
        <label htmlFor={`${id}-mode`}>Match</label>
        <select
          id={`${id}-mode`}
          value={mode}
          disabled={disabled}
          onChange={(e) => set(items, e.target.value as 'all' | 'any')}
        >
          <option value="all">all of these</option>
          <option value="any">any of these</option>
        </select>
        {onRemove ? (
          <button type="button" className="link-button" onClick={onRemove} disabled={disabled}>
            Remove group
          </button>
        ) : null}
      </div>
      {items.length === 0 ? <p className="muted small">No conditions: every event matches.</p> : null}
      {items.map((c, i) => {
        const replace = (n: Cond) => set(items.map((x, j) => (j === i ? n : x)));
        const remove = () => set(items.filter((_, j) => j !== i));
        const childId = `${id}-${i}`;
        return isGroup(c) ? (
          <GroupEditor
            key={i}
            group={c}
            onChange={replace}
            onRemove={remove}
            depth={depth + 1}
            id={childId}
            fieldsList={fieldsList}
            disabled={disabled}
          />
        ) : (
          <LeafRow
            key={i}
            leaf={c as Leaf}
            onChange={replace}
            onRemove={remove}
            id={childId}
            fieldsList={fieldsList}
            disabled={disabled}
          />
        );
      })}
      <div className="cond-actions">
        <button
          type="button"
          className="button small"
          disabled={disabled}
          onClick={() => set([...items, { field: '', operator: 'equals', value: '' }])}
        >
          <Icon name="plus" /> Add condition
        </button>
        {depth < MAX_DEPTH ? (
          <button
            type="button"
            className="button small"
            disabled={disabled}
            onClick={() => set([...items, { any: [{ field: '', operator: 'equals', value: '' }] }])}
          >
            <Icon name="plus" /> Add group
          </button>
        ) : null}
      </div>
    </fieldset>
  );
}

/**
 * Edits a condition (core's `{ field, operator, value }` or `all` / `any` groups, nested) with every operator.
 * `emptyAs` is what an empty top-level group becomes (`{}`: no conditions).
 */
export function ConditionEditor({
  value,
  onChange,
  id,
  fields = [],
  emptyAs,
  disabled = false,
}: {
  value: unknown;
  onChange: (next: unknown) => void;
  id: string;
  fields?: readonly string[];
  emptyAs?: unknown;
  disabled?: boolean;
}) {
  const fieldsList = `${id}-fields`;
  return (
    <div className="cond-editor">
      <datalist id={fieldsList}>
        {fields.map((f) => (
          <option key={f} value={f} />
        ))}
      </datalist>
      <GroupEditor
        group={asGroup(value)}
        depth={0}
        id={id}
        fieldsList={fieldsList}
        disabled={disabled}
        onChange={(g) => onChange(itemsOf(g).length === 0 && emptyAs !== undefined ? emptyAs : g)}
      />
    </div>
  );
}

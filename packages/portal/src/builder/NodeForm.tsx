import { type JsonSchema, NODE_SCHEMAS } from 'virtual:switchyard-core';
import { ConditionEditor } from '../conditions/ConditionEditor.tsx';
import { Field, FieldProblem, problemAttributes, problemId } from '../ui/Field.tsx';
import { TokenInput } from './TokenInput.tsx';
import { isRequired, settingsFields, type TemplateNode } from './template.ts';

const LABELS: Record<string, string> = {
  delay_n: 'Wait',
  delay_unit: 'Unit',
  minute_of_day: 'At minute of the day (e.g. 570 for 9:30)',
  url: 'URL',
  method: 'Method',
  headers: 'Headers (one “Name: value” per line)',
  params: 'Body fields (one “key: value” per line)',
  body: 'Raw body (sent instead of the body fields)',
  content_type: 'Content type',
  to: 'To',
  cc: 'Cc',
  bcc: 'Bcc',
  reply_to: 'Reply to',
  subject: 'Subject',
  text: 'Text',
  html: 'HTML',
  channel: 'Channel',
  recipient: 'Recipient',
  message: 'Message',
  title: 'Title',
  description: 'Description',
  due_in_days: 'Due in (days)',
  assignee: 'Assignee',
  entity: 'Entity (default: the trigger’s)',
  entity_id: 'Entity id (default: the trigger’s)',
  field: 'Field',
  value: 'Value',
  condition: 'Continue only when',
};
const UNIT_LABELS: Record<string, string> = {
  sec: 'seconds',
  min: 'minutes',
  hour: 'hours',
  day: 'days',
  week: 'weeks',
  month: 'months',
  year: 'years',
};
const MULTILINE = new Set(['headers', 'params', 'body', 'text', 'html', 'message', 'description']);

/** The schema's kind of input for a field: a number, a choice, a condition or text. */
function kindOf(field: string, schema: JsonSchema): 'number' | 'enum' | 'condition' | 'text' {
  if (field === 'condition') return 'condition';
  if (schema.enum) return 'enum';
  const types = [schema.type, ...(schema.anyOf ?? []).map((s) => s.type)].flat();
  if (types.includes('integer') || types.includes('number')) return 'number';
  return 'text';
}

function textOf(v: unknown): string {
  if (Array.isArray(v)) return v.join(', ');
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/**
 * A node's settings form, derived from core's zod schema of its type (as JSON Schema, built into the bundle):
 * numbers, choices, conditions and text with merge-token autocomplete. Problems the API found are shown at their
 * field.
 */
export function NodeForm({
  node,
  onChange,
  problems,
  tokens,
  fields,
  readOnly,
}: {
  node: TemplateNode;
  onChange: (next: TemplateNode) => void;
  problems: Record<string, string>;
  tokens: readonly string[];
  fields: readonly string[];
  readOnly: boolean;
}) {
  const props = NODE_SCHEMAS[node.type]?.properties ?? {};
  const set = (field: string, value: unknown) => {
    const next = { ...node };
    if (value === undefined) delete next[field];
    else next[field] = value;
    onChange(next);
  };
  return (
    <div className="node-form">
      {settingsFields(node.type).map((field) => {
        const schema = props[field] ?? {};
        const id = `f-${node.id}-${field}`;
        const problem = problems[field];
        const required = isRequired(node.type, field);
        const label = LABELS[field] ?? field;
        const kind = kindOf(field, schema);
        if (kind === 'text') {
          // TokenInput's suggestions are a listbox beside the input: the label names the input alone.
          return (
            <div key={field} className="field">
              <label htmlFor={id}>
                {label}
                {required ? <span aria-hidden="true"> *</span> : null}
              </label>
              <TokenInput
                id={id}
                value={textOf(node[field])}
                tokens={tokens}
                multiline={MULTILINE.has(field)}
                required={required}
                invalid={Boolean(problem)}
                describedBy={problem ? problemId(id) : undefined}
                disabled={readOnly}
                onChange={(v) => set(field, v === '' && !required ? undefined : v)}
              />
              <FieldProblem id={id} problem={problem} />
            </div>
          );
        }
        const control =
          kind === 'condition' ? (
            <ConditionEditor
              id={id}
              value={node[field]}
              fields={fields}
              onChange={(c) => set(field, c)}
              disabled={readOnly}
            />
          ) : kind === 'enum' ? (
            <select
              id={id}
              value={textOf(node[field])}
              disabled={readOnly}
              {...problemAttributes(id, problem)}
              onChange={(e) => set(field, e.target.value === '' ? undefined : e.target.value)}
            >
              {required ? null : <option value="">(default)</option>}
              {(schema.enum as string[]).map((v) => (
                <option key={v} value={v}>
                  {field === 'delay_unit' ? (UNIT_LABELS[v] ?? v) : v}
                </option>
              ))}
            </select>
          ) : (
            <input
              id={id}
              type="number"
              inputMode="numeric"
              min={0}
              value={typeof node[field] === 'number' ? String(node[field]) : ''}
              disabled={readOnly}
              required={required}
              {...problemAttributes(id, problem)}
              onChange={(e) => set(field, e.target.value === '' ? undefined : Number(e.target.value))}
            />
          );
        // A condition is several inputs in a block of its own, never marked required.
        const group = kind === 'condition';
        return (
          <Field
            key={field}
            id={id}
            label={label}
            required={!group && required}
            problem={problem}
            group={group}
          >
            {control}
          </Field>
        );
      })}
    </div>
  );
}

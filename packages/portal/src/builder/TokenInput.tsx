import { type KeyboardEvent, useId, useMemo, useRef, useState } from 'react';

/** The partial token being typed right before the caret: the text after an unclosed `{{`. */
function openToken(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const open = before.lastIndexOf('{{');
  if (open === -1 || before.indexOf('}}', open) !== -1) return null;
  const query = before.slice(open + 2);
  if (!/^[\s\w.]*$/.test(query)) return null;
  return { start: open, query: query.trim() };
}

/**
 * A text field (or area) that offers merge tokens: typing `{{` lists the fields the workflow's trigger gives
 * (`{{deal.amount}}`, `{{user.name}}`…); arrows move, Enter or Tab inserts, Escape closes. A combobox in the
 * ARIA sense, so screen readers announce the suggestions.
 */
export function TokenInput({
  id,
  value,
  onChange,
  tokens,
  multiline = false,
  describedBy,
  invalid,
  required,
  disabled,
  placeholder,
}: {
  id: string;
  value: string;
  onChange: (v: string) => void;
  tokens: readonly string[];
  multiline?: boolean;
  describedBy?: string;
  invalid?: boolean;
  required?: boolean;
  disabled?: boolean;
  placeholder?: string;
}) {
  const listId = useId();
  const ref = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const [open, setOpen] = useState<{ start: number; query: string } | null>(null);
  const [active, setActive] = useState(0);
  const matches = useMemo(() => {
    if (!open) return [];
    const q = open.query.toLowerCase();
    return tokens.filter((t) => t.toLowerCase().includes(q)).slice(0, 12);
  }, [open, tokens]);
  const showing = open !== null && matches.length > 0;

  const refresh = (text: string, caret: number) => {
    const next = openToken(text, caret);
    setOpen(next);
    setActive(0);
  };

  const insert = (token: string) => {
    const el = ref.current;
    if (!el || !open) return;
    const caret = el.selectionStart ?? value.length;
    const after = value.slice(caret).replace(/^[\s\w.]*\}\}/, '');
    const next = `${value.slice(0, open.start)}{{${token}}}${after}`;
    onChange(next);
    setOpen(null);
    const at = open.start + token.length + 4;
    requestAnimationFrame(() => el.setSelectionRange(at, at));
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (!showing) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setActive((a) => (a + step + matches.length) % matches.length);
    } else if (e.key === 'Enter' || e.key === 'Tab') {
      e.preventDefault();
      insert(matches[active] as string);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      setOpen(null);
    }
  };

  const common = {
    id,
    ref,
    value,
    disabled,
    placeholder,
    required,
    role: 'combobox' as const,
    'aria-autocomplete': 'list' as const,
    'aria-expanded': showing,
    'aria-controls': listId,
    'aria-activedescendant': showing ? `${listId}-${active}` : undefined,
    'aria-describedby': describedBy,
    'aria-invalid': invalid || undefined,
    onKeyDown,
    onBlur: () => setTimeout(() => setOpen(null), 120),
    onChange: (e: { target: HTMLInputElement | HTMLTextAreaElement }) => {
      onChange(e.target.value);
      refresh(e.target.value, e.target.selectionStart ?? e.target.value.length);
    },
  };

  return (
    <div className="token-input">
      {multiline ? <textarea rows={3} {...common} /> : <input {...common} />}
      <div id={listId} role="listbox" className="token-list" hidden={!showing} aria-label="Merge fields">
        {matches.map((t, i) => (
          <div
            key={t}
            id={`${listId}-${i}`}
            role="option"
            // The combobox keeps the focus (aria-activedescendant points here); options are never tabbed to.
            tabIndex={-1}
            aria-selected={i === active}
            onMouseDown={(e) => {
              e.preventDefault();
              insert(t);
            }}
          >
            {`{{${t}}}`}
          </div>
        ))}
      </div>
    </div>
  );
}

/** Every merge token a workflow triggered by events with `fields` can use (see the server's buildContext). */
export function mergeTokens(entity: string | null, fields: readonly string[]): string[] {
  const out = new Set<string>();
  for (const f of fields) {
    if (entity) out.add(`${entity}.${f}`);
    out.add(`previous.${f}`);
  }
  for (const f of fields) out.add(f);
  for (const t of ['event.id', 'event.type', 'event.entity_id', 'event.occurred_at']) out.add(t);
  for (const t of ['user.key', 'user.name', 'user.email', 'workflow.id', 'workflow.key', 'workflow.name'])
    out.add(t);
  return [...out];
}

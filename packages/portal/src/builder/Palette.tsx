import { NODE_TYPES } from 'virtual:switchyard-core';
import { Icon } from '../ui/Icon.tsx';
import { NODE_LABELS } from './template.ts';

/** The MIME type a palette item carries while dragged onto the canvas. */
export const DRAG_TYPE = 'application/x-switchyard-node';

/** The step types: click one to add it below the selected step, or drag it onto the canvas. */
export function Palette({
  onAdd,
  hasStart,
  disabled,
}: {
  onAdd: (type: string) => void;
  hasStart: boolean;
  disabled: boolean;
}) {
  const types = NODE_TYPES.filter((t) => t !== 'Start' || !hasStart);
  return (
    <aside className="palette" aria-label="Add a step">
      <h2>Add a step</h2>
      <ul>
        {types.map((type) => {
          const meta = NODE_LABELS[type];
          return (
            <li key={type}>
              <button
                type="button"
                className="palette-item"
                draggable={!disabled}
                disabled={disabled}
                title={meta?.hint}
                data-testid={`palette-${type}`}
                onClick={() => onAdd(type)}
                onDragStart={(e) => {
                  e.dataTransfer.setData(DRAG_TYPE, type);
                  e.dataTransfer.effectAllowed = 'move';
                }}
              >
                <Icon name={meta?.icon ?? 'flag'} />
                <span>{meta?.label ?? type}</span>
              </button>
            </li>
          );
        })}
      </ul>
    </aside>
  );
}

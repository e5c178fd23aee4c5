import { Handle, type Node, type NodeProps, Position } from '@xyflow/react';
import { memo } from 'react';
import { Icon } from '../ui/Icon.tsx';
import { NODE_LABELS, type TemplateNode } from './template.ts';

/** What a step shows on the canvas. */
export interface StepData extends Record<string, unknown> {
  node: TemplateNode;
  trigger: string | null;
  problems: number;
  stats?: Record<string, number>;
}

/** The canvas node type. */
export type StepNode = Node<StepData, 'step'>;

const UNITS: Record<string, string> = {
  sec: 's',
  min: 'min',
  hour: 'h',
  day: 'd',
  week: 'wk',
  month: 'mo',
  year: 'y',
};

function summary(node: TemplateNode, trigger: string | null): string {
  switch (node.type) {
    case 'Start':
      return trigger ? `When ${trigger}` : 'Pick the event that starts it';
    case 'Delay':
      return `Wait ${String(node.delay_n ?? '?')} ${UNITS[String(node.delay_unit)] ?? String(node.delay_unit ?? '')}`;
    case 'Webhook':
      return `${String(node.method ?? 'POST')} ${String(node.url || '(no URL yet)')}`;
    case 'SendEmail':
      return `To ${String(node.to || '…')}`;
    case 'SendChannelMessage':
      return `${String(node.channel ?? '')} ${String(node.recipient || '…')}`;
    case 'CreateTask':
      return String(node.title || 'Untitled task');
    case 'UpdateField':
      return `Set ${String(node.field || '…')}`;
    case 'Condition':
      return 'Continue only when…';
    default:
      return node.type;
  }
}

/** One step on the canvas: its type, name and summary, its run counts, and a mark when it has problems. */
export const NodeCard = memo(function NodeCard({ data, selected }: NodeProps<StepNode>) {
  const { node, trigger, problems, stats } = data;
  const meta = NODE_LABELS[node.type];
  const ok = stats?.succeeded ?? 0;
  const failed = stats?.failed ?? 0;
  const waiting = (stats?.running ?? 0) + (stats?.scheduled ?? 0) + (stats?.pending ?? 0);
  return (
    <div
      className={`node-card type-${node.type}${selected ? ' selected' : ''}${problems ? ' has-problems' : ''}`}
      data-testid={`node-${node.id}`}
    >
      {node.type === 'Start' ? null : <Handle type="target" position={Position.Top} />}
      <div className="node-head">
        <Icon name={meta?.icon ?? 'flag'} />
        <span className="node-type">{meta?.label ?? node.type}</span>
        {problems ? (
          <span className="node-problems" title={`${problems} problem(s)`}>
            {problems} problem{problems > 1 ? 's' : ''}
          </span>
        ) : null}
      </div>
      <div className="node-name">{node.name || node.id}</div>
      <div className="node-summary">{summary(node, trigger)}</div>
      {stats && ok + failed + waiting > 0 ? (
        <div className="node-stats" data-testid={`stats-${node.id}`}>
          <span title="Succeeded">✓ {ok}</span>
          <span title="Failed">✕ {failed}</span>
          <span title="Waiting or running">◷ {waiting}</span>
        </div>
      ) : null}
      {/* Handles are for the mouse; the settings panel's "Connect to" does the same from the keyboard. */}
      <Handle type="source" position={Position.Bottom} />
    </div>
  );
});

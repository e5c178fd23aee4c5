import { useQuery } from '@tanstack/react-query';
import {
  Background,
  type Connection,
  Controls,
  type EdgeChange,
  type NodeChange,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { type DragEvent, useEffect, useMemo, useState } from 'react';
import { Link } from 'wouter';
import { trpc } from '../api.ts';
import { useFeatures } from '../features.ts';
import { Icon } from '../ui/Icon.tsx';
import { ErrorNote, StatusBadge, useToast } from '../ui/kit.tsx';
import { autoLayout } from './layout.ts';
import { NodeCard, type StepNode } from './NodeCard.tsx';
import { DRAG_TYPE, Palette } from './Palette.tsx';
import { indexProblems } from './problems.ts';
import { SettingsPanel } from './SettingsPanel.tsx';
import { mergeTokens } from './TokenInput.tsx';
import {
  edgePairs,
  hasPositions,
  newNode,
  type Template,
  type TemplateNode,
  withoutNode,
} from './template.ts';
import { type Draft, draftOf, useWorkflowDraft, type Workflow } from './useWorkflowDraft.ts';

const nodeTypes = { step: NodeCard };

function Editor({ workflow, stopEvents }: { workflow: Workflow; stopEvents: readonly string[] }) {
  const { readOnly } = useFeatures();
  const flow = useReactFlow();
  const [toast, say] = useToast();
  const {
    draft,
    setDraft,
    draftRef,
    edit,
    publish: publishDraft,
    publishing,
    problems,
    saveState,
    saveError,
    status,
  } = useWorkflowDraft(workflow, readOnly);
  const [selected, setSelected] = useState<string | null>(
    () => draftOf(workflow).template.nodes.find((n) => n.type === 'Start')?.id ?? null,
  );
  const [selectedEdge, setSelectedEdge] = useState<string | null>(null);

  // Run counts per step, refreshed while the builder is open.
  const live = useQuery({ ...trpc.workflows.get.queryOptions({ id: workflow.id }), refetchInterval: 5_000 });
  const stats = (live.data?.data ?? workflow).stats;
  const fieldsQ = useQuery({
    ...trpc.portal.eventFields.queryOptions({ type: draft.event_trigger ?? '' }),
    enabled: Boolean(draft.event_trigger),
  });
  const eventFields = useMemo(() => (fieldsQ.data?.data.fields ?? []).map((f) => f.path), [fieldsQ.data]);
  const entity = draft.event_trigger ? (draft.event_trigger.split('.')[0] ?? null) : null;
  const tokens = useMemo(() => mergeTokens(entity, eventFields), [entity, eventFields]);

  // A template saved without a layout (made through the API) is laid out once; the layout is saved with the next edit.
  useEffect(() => {
    if (hasPositions(draftRef.current.template)) return;
    void autoLayout(draftRef.current.template).then((positions) => {
      setDraft((d) => ({
        ...d,
        template: { ...d.template, positions: { ...positions, ...d.template.positions } },
      }));
      requestAnimationFrame(() => void flow.fitView({ maxZoom: 1 }));
    });
  }, [flow]);

  const setTemplate = (change: (t: Template) => Template) =>
    edit((d) => ({ ...d, template: change(d.template) }));

  const addNode = (type: string, at?: { x: number; y: number }) => {
    const t = draftRef.current.template;
    const node = newNode(t, type);
    const anchor = (selected && t.positions?.[selected]) || undefined;
    const lowest = Math.max(0, ...Object.values(t.positions ?? {}).map((p) => p.y));
    const position = at ?? (anchor ? { x: anchor.x, y: anchor.y + 140 } : { x: 240, y: lowest + 140 });
    setTemplate((tpl) => ({
      ...tpl,
      nodes: [...tpl.nodes, node],
      positions: { ...tpl.positions, [node.id]: position },
    }));
    setSelected(node.id);
    // Keep every step in view, the new one included.
    requestAnimationFrame(() => void flow.fitView({ maxZoom: 1, padding: 0.2 }));
  };
  const connect = (from: string, to: string) => {
    if (from === to) return;
    setTemplate((t) =>
      t.edges.includes(`${from}-${to}`) ? t : { ...t, edges: [...t.edges, `${from}-${to}`] },
    );
  };
  const disconnect = (from: string, to: string) =>
    setTemplate((t) => ({ ...t, edges: t.edges.filter((e) => e !== `${from}-${to}`) }));
  const removeNode = (id: string) => {
    const n = draftRef.current.template.nodes.find((x) => x.id === id);
    if (!n || n.type === 'Start') return;
    setTemplate((t) => withoutNode(t, id));
    setSelected(null);
  };
  const changeNode = (next: TemplateNode) =>
    setTemplate((t) => ({ ...t, nodes: t.nodes.map((n) => (n.id === next.id ? next : n)) }));

  const ids = draft.template.nodes.map((n) => n.id);
  const startId = draft.template.nodes.find((n) => n.type === 'Start')?.id;
  const index = useMemo(() => indexProblems(problems, ids, startId), [problems, ids, startId]);
  const pairs = edgePairs(draft.template);

  const nodes: StepNode[] = draft.template.nodes.map((n) => ({
    id: n.id,
    type: 'step',
    position: draft.template.positions?.[n.id] ?? { x: 0, y: 0 },
    selected: n.id === selected,
    deletable: n.type !== 'Start' && !readOnly,
    ariaLabel: `${n.name || n.id} (${n.type})`,
    data: {
      node: n,
      trigger: draft.event_trigger,
      problems: index.byNode.get(n.id)?.length ?? 0,
      stats: (stats as Record<string, Record<string, number>>)[n.id],
    },
  }));
  const edges = pairs.map(([a, b]) => ({
    id: `${a}-${b}`,
    source: a,
    target: b,
    selected: selectedEdge === `${a}-${b}`,
    ariaLabel: `From ${a} to ${b}`,
  }));

  const onNodesChange = (changes: NodeChange<StepNode>[]) => {
    for (const c of changes) {
      if (c.type === 'select' && c.selected) setSelected(c.id);
      if (c.type === 'remove') removeNode(c.id);
      if (c.type === 'position' && c.position) {
        const pos = { x: Math.round(c.position.x), y: Math.round(c.position.y) };
        const apply = (d: Draft) => ({
          ...d,
          template: { ...d.template, positions: { ...d.template.positions, [c.id]: pos } },
        });
        // While dragging the position only moves; the drop is the edit that gets saved.
        if (c.dragging) setDraft(apply);
        else edit(apply);
      }
    }
  };
  const onEdgesChange = (changes: EdgeChange[]) => {
    for (const c of changes) {
      if (c.type === 'select') setSelectedEdge(c.selected ? c.id : null);
      if (c.type === 'remove') setTemplate((t) => ({ ...t, edges: t.edges.filter((e) => e !== c.id) }));
    }
  };
  const onDrop = (e: DragEvent) => {
    const type = e.dataTransfer.getData(DRAG_TYPE);
    if (!type) return;
    e.preventDefault();
    const p = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
    addNode(type, { x: Math.round(p.x - 110), y: Math.round(p.y - 30) });
  };

  const publish = async () => say((await publishDraft()) ?? 'Published: new events now start this version');

  const node = draft.template.nodes.find((n) => n.id === selected) ?? null;
  const saveLabel = {
    saved: 'All changes saved',
    dirty: 'Unsaved changes',
    saving: 'Saving…',
    error: 'Not saved',
  }[saveState];
  // Core and the action's own schema may both report a missing field: one line each.
  const allProblems = problems.filter(
    (p, i) => problems.findIndex((q) => q.message === p.message && q.path === p.path) === i,
  );

  return (
    <section className="builder" aria-labelledby="builder-title">
      <div className="builder-head">
        <Link href="/workflows" className="back">
          ← Workflows
        </Link>
        <h1 id="builder-title">{live.data?.data.name ?? workflow.name}</h1>
        <StatusBadge status={status} />
        <span className={`save-state save-${saveState}`} role="status" data-testid="save-state">
          {saveLabel}
        </span>
        <div className="spacer" />
        <Link href={`/workflows/${workflow.id}/runs`} className="button">
          <Icon name="list" /> Runs
        </Link>
        {readOnly ? null : (
          <button
            type="button"
            className="button"
            onClick={() =>
              void autoLayout(draftRef.current.template).then((positions) => {
                setTemplate((t) => ({ ...t, positions }));
                requestAnimationFrame(() => void flow.fitView({ maxZoom: 1 }));
              })
            }
          >
            <Icon name="layout" /> Tidy up
          </button>
        )}
        {readOnly ? null : (
          <button
            type="button"
            className="button primary"
            onClick={() => void publish()}
            disabled={publishing}
          >
            <Icon name="send" /> Publish
          </button>
        )}
      </div>
      <ErrorNote error={saveError} title="Could not save" />
      {allProblems.length > 0 ? (
        <div className="problem-bar" role="alert" data-testid="problems">
          <strong>
            {allProblems.length} problem{allProblems.length > 1 ? 's' : ''}
          </strong>
          <ul>
            {allProblems.map((p) => {
              const target =
                p.node_ids?.[0] ??
                ids.find((id) => p.path.startsWith(`template.nodes.${id}`)) ??
                (p.path.startsWith('template') ? undefined : startId);
              return (
                <li key={`${p.path}:${p.message}`}>
                  {target ? (
                    <button type="button" className="link-button" onClick={() => setSelected(target)}>
                      {draft.template.nodes.find((n) => n.id === target)?.name ?? target}
                    </button>
                  ) : null}{' '}
                  {p.message}
                </li>
              );
            })}
          </ul>
        </div>
      ) : null}
      <div className="builder-body">
        <Palette onAdd={(t) => addNode(t)} hasStart={startId !== undefined} disabled={readOnly} />
        <div className="canvas" data-testid="canvas">
          <ReactFlow<StepNode>
            onDragOver={(e) => e.preventDefault()}
            onDrop={onDrop}
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            onConnect={(c: Connection) => connect(c.source, c.target)}
            onPaneClick={() => setSelectedEdge(null)}
            nodesDraggable={!readOnly}
            nodesConnectable={!readOnly}
            deleteKeyCode={readOnly ? null : ['Delete', 'Backspace']}
            fitView
            fitViewOptions={{ maxZoom: 1, padding: 0.2 }}
            minZoom={0.2}
          >
            <Background gap={20} />
            <Controls showInteractive={false} />
          </ReactFlow>
        </div>
        <SettingsPanel
          node={node}
          nodes={draft.template.nodes}
          children={pairs.filter(([a]) => a === node?.id).map(([, b]) => b)}
          onChange={changeNode}
          onConnect={(to) => node && connect(node.id, to)}
          onDisconnect={(to) => node && disconnect(node.id, to)}
          onDelete={() => node && removeNode(node.id)}
          start={draft}
          onStartChange={(s) => edit((d) => ({ ...d, ...s }))}
          stopEvents={stopEvents}
          problems={node ? (index.byNode.get(node.id) ?? []) : []}
          fieldProblems={node ? (index.fields.get(node.id) ?? {}) : {}}
          tokens={tokens}
          fields={eventFields}
          readOnly={readOnly}
        />
      </div>
      {toast}
    </section>
  );
}

/** The workflow builder: the canvas, the palette and the selected step's settings; drafts save as you go. */
export default function Builder({ id, stopEvents }: { id: string; stopEvents: readonly string[] }) {
  const q = useQuery(trpc.workflows.get.queryOptions({ id }));
  if (q.error) return <ErrorNote error={q.error} title="This workflow could not be opened" />;
  if (!q.data) return <p role="status">Loading…</p>;
  return (
    <ReactFlowProvider>
      <Editor key={id} workflow={q.data.data} stopEvents={stopEvents} />
    </ReactFlowProvider>
  );
}

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { type Outputs, type Problem, problemsOf, trpc } from '../api.ts';
import { notifyHost } from '../host.ts';
import type { StartSettings } from './StartPanel.tsx';
import type { Template } from './template.ts';

/** A workflow as the builder opens it. */
export type Workflow = Outputs['workflows']['get']['data'];
/** Where the draft stands against the server. */
export type SaveState = 'saved' | 'dirty' | 'saving' | 'error';

/** What the builder edits: the template and the Start step's settings. */
export interface Draft extends StartSettings {
  template: Template;
}

const SAVE_DELAY_MS = 600;

/** The drafts of a workflow as the API returned them. */
export function draftOf(w: Workflow): Draft {
  const template = (w.template_draft as unknown as Template) ?? { nodes: [], edges: [] };
  return {
    template: { ...template, nodes: template.nodes ?? [], edges: template.edges ?? [] },
    event_trigger: typeof w.event_trigger_draft === 'string' ? w.event_trigger_draft : null,
    trigger_conditions: w.trigger_conditions_draft ?? {},
    stop_event: w.stop_event_draft,
    auto_start: w.auto_start,
    max_triggers_per_day: w.max_triggers_per_day,
  };
}

/**
 * The builder's draft and its saving: every edit changes it at once and is saved a moment after the edits stop
 * (one save at a time, the latest draft last); `publish` saves what is pending, then publishes. The API's problems
 * (a node's missing setting, a step not reachable from Start) come back in `problems`.
 */
export function useWorkflowDraft(workflow: Workflow, readOnly: boolean) {
  const qc = useQueryClient();
  const [draft, setDraft] = useState<Draft>(() => draftOf(workflow));
  const [problems, setProblems] = useState<Problem[]>([]);
  const [saveState, setSaveState] = useState<SaveState>('saved');
  const [saveError, setSaveError] = useState<unknown>(null);
  const [status, setStatus] = useState(workflow.template_status);
  const draftRef = useRef(draft);
  draftRef.current = draft;
  const revision = useRef(0);
  const savedRevision = useRef(0);
  const chain = useRef<Promise<boolean>>(Promise.resolve(true));
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const update = useMutation(trpc.workflows.update.mutationOptions());
  const publishM = useMutation(trpc.workflows.publish.mutationOptions());
  const key = trpc.workflows.get.queryKey({ id: workflow.id });

  /** The API took the workflow (saved or published): no problems left, its status, the caches and the host told. */
  const accepted = useCallback(
    (out: Outputs['workflows']['get'], event: 'workflow.saved' | 'workflow.published') => {
      setProblems([]);
      setStatus(out.data.template_status);
      qc.setQueryData(key, out);
      void qc.invalidateQueries({ queryKey: trpc.workflows.list.queryKey() });
      notifyHost(event, { workflow_id: workflow.id, name: out.data.name });
    },
    [qc, key, workflow.id],
  );

  const save = useCallback(async (): Promise<boolean> => {
    const rev = revision.current;
    if (rev === savedRevision.current) return true;
    const d = draftRef.current;
    setSaveState('saving');
    try {
      const out = await update.mutateAsync({
        id: workflow.id,
        template: d.template,
        event_trigger: d.event_trigger,
        stop_event: d.stop_event,
        trigger_conditions: (d.trigger_conditions ?? {}) as Record<string, unknown>,
        auto_start: d.auto_start,
        max_triggers_per_day: d.max_triggers_per_day,
      });
      savedRevision.current = Math.max(savedRevision.current, rev);
      setSaveError(null);
      setSaveState(revision.current === savedRevision.current ? 'saved' : 'dirty');
      accepted(out, 'workflow.saved');
      return true;
    } catch (err) {
      const found = problemsOf(err);
      setProblems(found);
      setSaveError(found.length > 0 ? null : err);
      setSaveState('error');
      return false;
    }
  }, [update, workflow.id, accepted]);

  /** Saves now (after any save under way); true when the latest draft is saved. */
  const flush = useCallback((): Promise<boolean> => {
    clearTimeout(timer.current);
    chain.current = chain.current.then(save, save);
    return chain.current;
  }, [save]);

  /** Records an edit: the draft changes now and is saved a moment after the edits stop. */
  const edit = useCallback(
    (change: (d: Draft) => Draft) => {
      if (readOnly) return;
      setDraft((d) => change(d));
      revision.current += 1;
      setSaveState('dirty');
      clearTimeout(timer.current);
      timer.current = setTimeout(() => void flush(), SAVE_DELAY_MS);
    },
    [flush, readOnly],
  );
  useEffect(() => () => clearTimeout(timer.current), []);

  /** Saves, then publishes; says how it went (`null`: published). */
  const publish = async (): Promise<string | null> => {
    if (!(await flush())) return 'Not published: fix the problems shown on the steps';
    try {
      const out = await publishM.mutateAsync({ id: workflow.id });
      accepted(out, 'workflow.published');
      return null;
    } catch (err) {
      const found = problemsOf(err);
      setProblems(found);
      if (!found.length) setSaveError(err);
      return found.length
        ? `Not published: ${found.length} problem${found.length > 1 ? 's' : ''} to fix`
        : 'Not published';
    }
  };

  return {
    draft,
    /** Changes the draft without counting it as an edit (a drag in progress, a layout on opening). */
    setDraft,
    draftRef,
    edit,
    publish,
    publishing: publishM.isPending,
    problems,
    saveState,
    saveError,
    status,
  };
}

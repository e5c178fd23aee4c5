import type { ReactNode } from 'react';

/** The id of the message that says what is wrong with the control `id`. */
export const problemId = (id: string) => `${id}-error`;

/** A control's attributes that tie it to its problem (if any), for assistive technology. */
export function problemAttributes(id: string, problem: string | undefined) {
  return {
    'aria-invalid': problem ? true : undefined,
    'aria-describedby': problem ? problemId(id) : undefined,
  } as const;
}

/** What is wrong with the control `id`, where the control's aria-describedby points (nothing when all is well). */
export function FieldProblem({ id, problem }: { id: string; problem: string | undefined }) {
  return problem ? (
    <span id={problemId(id)} className="field-error">
      {problem}
    </span>
  ) : null;
}

/**
 * A labelled form field: the label (with a star when required), the control, and the problem the API found with
 * it. A `<label>` for the control `id`; `group` makes it a plain block, for a control of several inputs.
 */
export function Field({
  id,
  label,
  required,
  problem,
  group,
  children,
}: {
  id: string;
  label: ReactNode;
  required?: boolean;
  problem?: string | undefined;
  group?: boolean;
  children: ReactNode;
}) {
  const content = (
    <>
      <span>
        {label}
        {required ? <span aria-hidden="true"> *</span> : null}
      </span>
      {children}
      <FieldProblem id={id} problem={problem} />
    </>
  );
  return group ? (
    <div className="field">{content}</div>
  ) : (
    <label className="field" htmlFor={id}>
      {content}
    </label>
  );
}

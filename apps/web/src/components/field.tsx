import type { InputHTMLAttributes } from "react";

type FieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, "id"> & {
  id: string;
  label: string;
  error?: string | undefined;
  hint?: string | undefined;
};

/** A labelled input with its error (or hint) right under it, tied to it for screen readers. */
export function Field({ id, label, error, hint, ...input }: FieldProps) {
  const note = error ? `${id}-error` : hint ? `${id}-hint` : undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-invalid={error ? true : undefined} aria-describedby={note} {...input} />
      {error ? (
        <p id={note} className="field-error">
          {error}
        </p>
      ) : hint ? (
        <p id={note} className="field-hint">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

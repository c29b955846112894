/**
 * A labelled input with its error right below it, tied together for screen
 * readers (`aria-describedby`, `aria-invalid`). Used by pages and islands.
 */

/** Props of {@linkcode Field}. */
export interface FieldProps {
  id: string;
  label: string;
  error?: string;
  name?: string;
  type?: "text" | "password" | "email";
  autocomplete?: string;
  inputMode?: "text" | "numeric";
  required?: boolean;
  maxLength?: number;
  autoFocus?: boolean;
  value?: string;
  onInput?: (e: Event) => void;
}

/** One form field. */
export function Field({ id, label, error, type = "text", ...input }: FieldProps) {
  const errorId = `${id}-error`;
  // Preact types each input type separately; these attributes suit both kinds used here.
  const attrs: Record<string, unknown> = {
    id,
    type,
    "aria-invalid": error ? "true" : undefined,
    "aria-describedby": error ? errorId : undefined,
    ...input,
  };
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input {...attrs} />
      {error && <p id={errorId} class="error" role="alert">{error}</p>}
    </div>
  );
}

import { forwardRef, useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';

type FieldProps = { label: string; error?: string | undefined; hint?: ReactNode };

function describedBy(id: string, error?: string, hint?: ReactNode) {
  return [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(' ') || undefined;
}

function FieldFooter({ id, error, hint }: { id: string; error?: string | undefined; hint?: ReactNode }) {
  return (
    <>
      {hint && !error ? (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="field-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      ) : null}
    </>
  );
}

export const TextField = forwardRef<HTMLInputElement, FieldProps & InputHTMLAttributes<HTMLInputElement>>(
  function TextField({ label, error, hint, className, id: idProp, ...rest }, ref) {
    const generated = useId();
    const id = idProp ?? generated;
    return (
      <div className={`field${className ? ` ${className}` : ''}`}>
        <label htmlFor={id}>{label}</label>
        <input
          ref={ref}
          id={id}
          className="input"
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy(id, error, hint && !error ? hint : undefined)}
          {...rest}
        />
        <FieldFooter id={id} error={error} hint={hint} />
      </div>
    );
  },
);

export const SelectField = forwardRef<
  HTMLSelectElement,
  FieldProps & SelectHTMLAttributes<HTMLSelectElement> & { children: ReactNode }
>(function SelectField({ label, error, hint, className, id: idProp, children, ...rest }, ref) {
  const generated = useId();
  const id = idProp ?? generated;
  return (
    <div className={`field${className ? ` ${className}` : ''}`}>
      <label htmlFor={id}>{label}</label>
      <select
        ref={ref}
        id={id}
        className="input select"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, hint && !error ? hint : undefined)}
        {...rest}
      >
        {children}
      </select>
      <FieldFooter id={id} error={error} hint={hint} />
    </div>
  );
});

export const TextAreaField = forwardRef<HTMLTextAreaElement, FieldProps & { mono?: boolean } & TextareaHTMLAttributes<HTMLTextAreaElement>>(
  function TextAreaField({ label, error, hint, className, id: idProp, mono, ...rest }, ref) {
    const generated = useId();
    const id = idProp ?? generated;
    return (
      <div className={`field${className ? ` ${className}` : ''}`}>
        <label htmlFor={id}>{label}</label>
        <textarea
          ref={ref}
          id={id}
          className={`input textarea${mono ? ' mono' : ''}`}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy(id, error, hint && !error ? hint : undefined)}
          {...rest}
        />
        <FieldFooter id={id} error={error} hint={hint} />
      </div>
    );
  },
);

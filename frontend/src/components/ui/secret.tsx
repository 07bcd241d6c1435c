import type { ReactNode } from 'react';
import { CopyButton } from './copy-button';

/** A secret shown once: readable, selectable, copyable. */
export function SecretValue({ label, value, copyLabel }: { label: string; value: string; copyLabel?: string }) {
  return (
    <div className="secret">
      <div className="secret-label">{label}</div>
      <div className="secret-row">
        <code className="secret-value" aria-label={label} tabIndex={0}>
          {value}
        </code>
        <CopyButton value={value} label={copyLabel ?? 'Copy'} />
      </div>
    </div>
  );
}

export function OnceNotice({ children }: { children: ReactNode }) {
  return (
    <p className="once-notice">
      <strong>Shown once.</strong> {children}
    </p>
  );
}

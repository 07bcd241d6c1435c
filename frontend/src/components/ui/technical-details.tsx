/**
 * The raw text behind a worded error, folded away: support and curious
 * users can open it; nobody has to read it to know what happened.
 */
export function TechnicalDetails({ raw }: { raw: string | null | undefined }) {
  if (!raw) return null;
  return (
    <details className="technical-details small">
      <summary>Technical details</summary>
      <code className="error-text">{raw}</code>
    </details>
  );
}

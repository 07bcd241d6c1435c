import type { TestResult } from '../types';

/** The outcome of "Send test", read out to screen readers as it arrives. */
export function TestOutcome({ result, error }: { result?: TestResult; error?: string | null }) {
  if (error) {
    return (
      <p className="test-outcome bad" role="status">
        Could not run the test: {error}
      </p>
    );
  }
  if (!result) return null;
  return result.ok ? (
    <p className="test-outcome ok" role="status">
      <span aria-hidden="true">✓</span> Test delivered in {result.duration_ms} ms.
    </p>
  ) : (
    <p className="test-outcome bad" role="status">
      <span aria-hidden="true">✕</span> Test failed{result.permanent ? ' (permanent: fix the channel, retrying will not help)' : ''} after{' '}
      {result.duration_ms} ms: <code className="error-text">{result.error}</code>
    </p>
  );
}

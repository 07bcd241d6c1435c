import { Button } from '@/components/ui/button';
import { formatDateTime } from '@/lib/format';
import { useCheckNow } from '../api/check-domains';

/**
 * "Check now" for one domain or a selection: the agents (or the server)
 * check them at once, and the outcome shows here when the results arrive,
 * without a reload.
 */
export function CheckNowButton({ ids, label = 'Check now', size }: { ids: string[]; label?: string; size?: 'sm' | 'md' }) {
  const { start, current, done, givenUp, error } = useCheckNow();
  const pending = start.isPending || (!!current && !done && !givenUp);
  const arrived = current?.domains.filter((d) => d.completed_at).length ?? 0;
  return (
    <span className="check-now">
      <Button size={size} onClick={() => start.mutate(ids)} loading={pending} disabled={pending || ids.length === 0}>
        {pending ? 'Checking…' : label}
      </Button>
      <span role="status" aria-live="polite" className="muted">
        {error ? <span className="field-error">{error.message}</span> : null}
        {current && !error ? <CheckOutcome done={done} givenUp={givenUp} arrived={arrived} total={current.domains.length}
          at={current.domains.length === 1 ? current.domains[0]!.completed_at : null}
          status={current.domains.length === 1 ? current.domains[0]!.status : null} /> : null}
      </span>
    </span>
  );
}

type OutcomeProps = { done: boolean; givenUp: boolean; arrived: number; total: number; at: string | null; status: string | null };

function CheckOutcome({ done, givenUp, arrived, total, at, status }: OutcomeProps) {
  if (done && total === 1) return <>Checked at {formatDateTime(at)}: {status}</>;
  if (done) return <>All {total} checked.</>;
  if (givenUp) return <>{arrived} of {total} results arrived; the rest wait for their agent (is it running?).</>;
  return total > 1 ? <>{arrived} of {total} results arrived…</> : null;
}

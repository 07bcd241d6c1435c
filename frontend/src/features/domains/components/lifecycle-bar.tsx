import { formatDate } from '@/lib/format';
import type { RenewalWindow } from '../types';

type Props = { notBefore: string; notAfter: string; window: RenewalWindow | null; now?: Date };

const at = (iso: string) => new Date(iso).getTime();

/**
 * Where the served certificate stands in its life: issued, the expected
 * renewal window, expiry, and today among them.
 */
export function LifecycleBar({ notBefore, notAfter, window, now = new Date() }: Props) {
  const start = at(notBefore);
  const end = at(notAfter);
  const life = Math.max(end - start, 1);
  const pct = (t: number) => `${Math.min(100, Math.max(0, ((t - start) / life) * 100)).toFixed(2)}%`;
  const today = now.getTime();
  const phase = today >= end ? 'expired' : window && today >= at(window.end) ? 'renewal overdue' : window && today >= at(window.start) ? 'in its renewal window' : 'before its renewal window';
  return (
    <div className="lifecycle">
      <div className="lifecycle-bar" aria-hidden="true">
        <span className="lifecycle-used" style={{ width: pct(today) }} />
        {window ? <span className="lifecycle-window" style={{ left: pct(at(window.start)), width: `calc(${pct(at(window.end))} - ${pct(at(window.start))})` }} /> : null}
        <span className="lifecycle-now" style={{ left: pct(today) }} />
      </div>
      <dl className="facts lifecycle-facts">
        <div><dt>Issued</dt><dd>{formatDate(notBefore)}</dd></div>
        {window ? (
          <div>
            <dt>Renewal expected</dt>
            <dd>{formatDate(window.start)} – {formatDate(window.end)} <span className="muted">({window.source === 'ari' ? 'suggested by the CA' : 'estimated from the lifetime'})</span></dd>
          </div>
        ) : null}
        <div><dt>Expires</dt><dd>{formatDate(notAfter)}</dd></div>
        <div><dt>Today</dt><dd data-testid="lifecycle-phase">{phase}</dd></div>
      </dl>
    </div>
  );
}

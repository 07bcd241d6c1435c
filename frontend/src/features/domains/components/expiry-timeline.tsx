import { useState, type ReactNode } from 'react';
import { AxisBottom, AxisLeft } from '@visx/axis';
import { GridRows } from '@visx/grid';
import { Group } from '@visx/group';
import { scaleBand, scaleLinear } from '@visx/scale';
import { Bar } from '@visx/shape';
import { Link } from 'react-router';
import { Notice } from '@/components/ui/notice';
import { daysLeftTone, ORANGE_DAYS, useExpiringThreshold } from '@/lib/days-left';
import { endpointLabel } from '../types';
import { TIMELINE_DAYS, useExpiryTimeline, type Timeline, type TimelineDay } from '../api/get-expiry-timeline';

const W = 900;
const H = 180;
const PAD_L = 28;
const PAD_B = 22;
const PAD_T = 18;

const dayFmt = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short' });

const isoDay = (d: Date) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

/**
 * clusterDays are the server's expiry clusters (YYYY-MM-DD): days when many
 * endpoints expire together are marked on the chart; children go below it.
 */
export function ExpiryTimeline({ clusterDays = [], children }: { clusterDays?: string[]; children?: ReactNode }) {
  const q = useExpiryTimeline();
  return (
    <section aria-labelledby="timeline-h" className="card">
      <div className="card-head">
        <h2 id="timeline-h" className="section-title">
          Expiry timeline · next {TIMELINE_DAYS} days
        </h2>
        <Legend clusters={clusterDays.length > 0} />
      </div>
      {q.isError ? <Notice tone="error" title="Could not load the timeline.">{q.error.message}</Notice> : null}
      {q.data ? <TimelineChart timeline={q.data} clusterDays={clusterDays} /> : q.isPending ? <div className="chart-skeleton" /> : null}
      {children}
    </section>
  );
}

function Legend({ clusters }: { clusters?: boolean }) {
  const threshold = useExpiringThreshold();
  return (
    <ul className="legend" aria-label="Colour legend">
      <li><span className="swatch tone-critical" /> ≤ 7 days</li>
      <li><span className="swatch tone-high" /> ≤ 14 days</li>
      {threshold > ORANGE_DAYS ? <li><span className="swatch tone-warning" /> ≤ {threshold} days</li> : null}
      <li><span className="swatch tone-good" /> later</li>
      {clusters ? <li><span className="cluster-mark" aria-hidden="true">▲</span> cluster</li> : null}
    </ul>
  );
}

export function TimelineChart({ timeline, clusterDays = [] }: { timeline: Timeline; clusterDays?: string[] }) {
  const clusters = new Set(clusterDays);
  const threshold = useExpiringThreshold();
  const [selected, setSelected] = useState<TimelineDay | null>(null);
  const { days, overdue } = timeline;
  const total = days.reduce((n, d) => n + d.domains.length, 0);
  const max = Math.max(1, ...days.map((d) => d.domains.length));
  const innerW = W - PAD_L;
  const innerH = H - PAD_B - PAD_T;
  const x = scaleBand<number>({ domain: days.map((d) => d.day), range: [0, innerW], paddingInner: 0.15 });
  const y = scaleLinear<number>({ domain: [0, max], range: [innerH, 0] });
  const ticks = max <= 4 ? Array.from({ length: max + 1 }, (_, i) => i) : [0, Math.round(max / 2), max];
  const weekStarts = days.filter((d) => d.day % 7 === 0).map((d) => d.day);
  const label = (day: number) => (day === 0 ? 'Today' : dayFmt.format(days[day]!.date));

  if (total === 0 && overdue === 0) {
    return <p className="muted chart-empty">No certificate expires in the next {days.length} days.</p>;
  }
  return (
    <div>
      <p className="chart-summary">
        <strong>{total}</strong> certificate{total === 1 ? '' : 's'} expire{total === 1 ? 's' : ''} in the next {days.length} days
        {overdue > 0 ? (
          <>
            {' '}· <Link to="/domains?status=expired">{overdue} already expired</Link>
          </>
        ) : null}
        {timeline.truncated ? ' · showing the first 2000' : null}
      </p>
      <svg viewBox={`0 0 ${W} ${H}`} className="chart" role="group" aria-label={`Bar chart of ${total} certificate expiries per day over the next ${days.length} days`}>
        <Group left={PAD_L} top={PAD_T}>
          <GridRows scale={y} width={innerW} tickValues={ticks} className="grid" />
          <AxisLeft scale={y} tickValues={ticks} tickFormat={(t) => String(t)} hideAxisLine hideTicks tickClassName="axis" />
          <AxisBottom scale={x} top={innerH} tickValues={weekStarts} tickFormat={label} hideAxisLine hideTicks tickClassName="axis" />
          {days.map((d) => {
            const n = d.domains.length;
            if (n === 0) return null;
            const bx = x(d.day) ?? 0;
            const barW = Math.max(2, x.bandwidth());
            const h = Math.max(innerH - y(n), 2);
            const cluster = clusters.has(isoDay(d.date));
            const tone = daysLeftTone(d.day, threshold);
            return (
              <Group key={d.day}>
                {cluster ? (
                  <text x={bx + barW / 2} y={innerH - h - 3} className="cluster-mark" textAnchor="middle" aria-hidden="true">▲</text>
                ) : null}
                <Bar
                  x={bx}
                  y={innerH - h}
                  width={barW}
                  height={h}
                  rx={1.5}
                  className={`bar tone-${tone}${cluster ? ' cluster' : ''}${selected?.day === d.day ? ' selected' : ''}`}
                  tabIndex={0}
                  role="button"
                  aria-label={`${dayFmt.format(d.date)}: ${n} certificate${n === 1 ? '' : 's'} expire${cluster ? ' (expiry cluster)' : ''}`}
                  onClick={() => setSelected(d)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter' || e.key === ' ') {
                      e.preventDefault();
                      setSelected(d);
                    }
                  }}
                >
                  <title>{`${dayFmt.format(d.date)}: ${d.domains.map((x) => x.host).join(', ')}`}</title>
                </Bar>
              </Group>
            );
          })}
        </Group>
      </svg>
      {selected ? (
        <div className="chart-detail" aria-live="polite">
          <strong>{dayFmt.format(selected.date)}</strong>:{' '}
          {selected.domains.map((d, i) => (
            <span key={d.id}>
              {i > 0 ? ', ' : ''}
              <Link to={`/domains/${d.id}`}>{endpointLabel(d)}</Link>
            </span>
          ))}
        </div>
      ) : (
        <p className="muted small">Select a bar to list its endpoints.</p>
      )}
    </div>
  );
}

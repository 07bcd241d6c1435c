import { Badge } from '@/components/ui/badge';
import { formatDateTime, formatRelative } from '@/lib/format';
import type { Agent } from '../types';

/** Whether the agent's control channel is open: then "check now" and new domains reach it in seconds. */
export function ChannelBadge({ agent }: { agent: Agent }) {
  const { connected, since, last_heartbeat } = agent.channel;
  const heartbeat = last_heartbeat ? `last heartbeat ${formatDateTime(last_heartbeat)}` : 'no heartbeat yet';
  if (connected) {
    return <Badge tone="good" title={heartbeat}>Live since {formatRelative(since)}</Badge>;
  }
  return (
    <Badge tone="neutral" title={`${heartbeat}; checks run on the agent's schedule`}>
      {last_heartbeat ? `Not connected (${formatRelative(last_heartbeat)})` : 'Not connected'}
    </Badge>
  );
}

/** What the agent reported of itself: platform, spool, and its latest full cycle. */
export function AgentReport({ agent }: { agent: Agent }) {
  const c = agent.last_cycle;
  return (
    <div className="muted agent-report">
      {agent.platform ? <span className="mono">{agent.platform}</span> : null}
      {agent.spool_batches > 0 ? <span> · {agent.spool_batches} batch{agent.spool_batches === 1 ? '' : 'es'} waiting in its spool</span> : null}
      {agent.parked_batches > 0 ? <span> · {agent.parked_batches} parked</span> : null}
      {c ? (
        <span title={`finished ${formatDateTime(c.finished_at)} in ${(c.elapsed_ms / 1000).toFixed(1)} s`}>
          {' '}· last cycle {formatRelative(c.finished_at)}: {c.targets} targets, {c.ok} ok, {c.failed} failed
          {c.spooled > 0 ? `, ${c.spooled} not yet delivered` : ''}
        </span>
      ) : null}
    </div>
  );
}

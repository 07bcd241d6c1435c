import { Notice } from '@/components/ui/notice';
import { formatDateTime } from '@/lib/format';
import { useAllAgents } from '../api/get-agents';
import type { Agent } from '../types';

/**
 * One warning per agent that set result batches aside: the server kept
 * failing on them, so their results are missing here until delivered.
 */
export function ParkedBatchesWarnings() {
  const q = useAllAgents();
  const parked = (q.data ?? []).filter((a) => a.parked_batches > 0);
  if (parked.length === 0) return null;
  return (
    <section aria-label="Undelivered results">
      {parked.map((a) => <ParkedBatchesNotice key={a.id} agent={a} />)}
    </section>
  );
}

export function ParkedBatchesNotice({ agent }: { agent: Agent }) {
  const n = agent.parked_batches;
  const batches = n === 1 ? '1 result batch' : `${n} result batches`;
  const since = agent.parked_oldest_at ? ` (since ${formatDateTime(agent.parked_oldest_at)})` : '';
  return (
    <Notice tone="warning" title={`Agent “${agent.name}”: results missing`}>
      <p>
        {batches} could not be delivered and {n === 1 ? 'was' : 'were'} set aside on the agent{since}. The server
        failed on {n === 1 ? 'it' : 'them'} again and again, so the agent put {n === 1 ? 'it' : 'them'} aside to keep
        newer results flowing. Some checks from that time are missing here.
      </p>
      <p>
        The agent keeps {n === 1 ? 'it' : 'them'} in its spool directory under <code>parked/</code> and retries once a
        day. To send {n === 1 ? 'it' : 'them'} sooner once the server is fixed, move the files back on the agent&apos;s
        machine (<code>mv SPOOL/parked/*.batch SPOOL/</code>) and run <code>certinel-agent once</code>. If this
        warning stays, contact support with the agent&apos;s log.
      </p>
    </Notice>
  );
}

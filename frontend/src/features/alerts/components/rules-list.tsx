import { useState } from 'react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Notice } from '@/components/ui/notice';
import { Spinner } from '@/components/ui/spinner';
import { PermittedButton } from '@/components/ui/permitted-button';
import { useChannels } from '../api/channels';
import { useDeleteRule, useRules } from '../api/rules';
import { eventLabel, routeLabel, type AgentOption, type Rule } from '../types';
import { RuleForm } from './rule-form';

export function RulesList({ agents, canWrite = true }: { agents: AgentOption[]; canWrite?: boolean }) {
  const rules = useRules();
  const channels = useChannels();
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<Rule | null>(null);
  const del = useDeleteRule();
  const chans = channels.data?.items ?? [];
  const chanName = (id: string) => chans.find((c) => c.id === id)?.name ?? 'deleted channel';
  const agentName = (id: string) => agents.find((a) => a.id === id)?.name ?? id;

  return (
    <section className="card stack" aria-labelledby="rules-h">
      <div className="card-head">
        <h2 id="rules-h" className="section-title">Rules</h2>
        {adding ? null : <PermittedButton need="admin" doing="create alert rules" variant="primary" size="sm" onClick={() => setAdding(true)}>New rule</PermittedButton>}
      </div>
      {adding ? (
        <div className="subcard">
          <RuleForm channels={chans} agents={agents} onSaved={() => setAdding(false)} onCancel={() => setAdding(false)} />
        </div>
      ) : null}
      {rules.isPending || channels.isPending ? (
        <Spinner label="Loading rules" />
      ) : rules.isError ? (
        <Notice tone="error" title="Could not load rules.">{rules.error.message}</Notice>
      ) : rules.data.items.length === 0 ? (
        adding ? null : (
          <EmptyState title="No alert rules" action={canWrite ? <Button variant="primary" onClick={() => setAdding(true)}>Create a rule</Button> : null}>
            A rule says which events matter (expiring at 30, 14, 7 and 1 days, expired, changed, unreachable…), for
            which domains, and which channels hear about them.
          </EmptyState>
        )
      ) : (
        <ul className="plain-list">
          {rules.data.items.map((r) =>
            editing === r.id ? (
              <li key={r.id} className="subcard">
                <RuleForm rule={r} channels={chans} agents={agents} onSaved={() => setEditing(null)} onCancel={() => setEditing(null)} />
              </li>
            ) : (
              <li key={r.id} className="list-row rule-row">
                <div className="grow">
                  <div>
                    <strong>{r.name}</strong>{' '}
                    {r.enabled ? <Badge tone="good">Enabled</Badge> : <Badge tone="unknown">Paused</Badge>}
                  </div>
                  <div className="small">
                    <span className="muted">Thresholds:</span> {r.thresholds_days.length ? r.thresholds_days.map((d) => `${d}d`).join(', ') : 'lifetime-aware'}
                    {' · '}
                    <span className="muted">Events:</span> {r.events.map(eventLabel).join(', ') || 'none'}
                  </div>
                  <div className="small">
                    <span className="muted">To:</span> {r.routes.length ? r.routes.map((rt) => routeLabel(chanName(rt.channel_id), rt)).join(', ') : <span className="danger-text">no channel: recorded only</span>}
                    {' · '}
                    <span className="muted">For:</span>{' '}
                    {r.scope.all
                      ? 'every domain'
                      : [
                          r.scope.tags.length ? `tags ${r.scope.tags.join(', ')}` : '',
                          r.scope.agent_ids.length ? `agents ${r.scope.agent_ids.map(agentName).join(', ')}` : '',
                        ].filter(Boolean).join('; ')}
                  </div>
                </div>
                {canWrite ? (
                  <div className="list-row-end button-row">
                    <Button size="sm" onClick={() => setEditing(r.id)} aria-label={`Edit rule ${r.name}`}>Edit</Button>
                    <Button size="sm" variant="ghost" onClick={() => setDeleting(r)} aria-label={`Delete rule ${r.name}`}>Delete</Button>
                  </div>
                ) : null}
              </li>
            ),
          )}
        </ul>
      )}
      {deleting ? (
        <ConfirmDialog
          title={`Delete the rule ${deleting.name}?`}
          confirmLabel="Delete rule"
          busy={del.isPending}
          error={del.error?.message}
          onCancel={() => setDeleting(null)}
          onConfirm={() => del.mutate(deleting.id, { onSuccess: () => setDeleting(null) })}
        >
          Its open alerts stay in the history; no new alerts come from it.
        </ConfirmDialog>
      ) : null}
    </section>
  );
}

import { useId, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { SelectField, TextField } from '@/components/ui/field';
import { Notice } from '@/components/ui/notice';
import { isApiError } from '@/lib/api-client';
import { useSaveDiscoveryJob, type DiscoveryJob, type DiscoveryJobInput } from '../api/discovery';

type Errors = Partial<Record<'agent_id' | 'hosts' | 'ports' | 'interval_seconds' | 'rate_per_second' | 'root', string>>;
const PORTS = /^\s*\d{1,5}(\s*-\s*\d{1,5})?(\s*,\s*\d{1,5}(\s*-\s*\d{1,5})?)*\s*$/;

export function DiscoveryJobForm({ agents, job, onDone }: { agents: { id: string; name: string }[]; job?: DiscoveryJob; onDone: () => void }) {
  const id = useId();
  const save = useSaveDiscoveryJob();
  const [agentId, setAgentId] = useState(job?.agent_id ?? agents[0]?.id ?? '');
  const [hosts, setHosts] = useState((job?.hosts ?? []).join('\n'));
  const [ports, setPorts] = useState(job?.ports ?? '443');
  const [interval, setInterval] = useState(job ? String(Math.round(job.interval_seconds / 3600)) : '');
  const [rate, setRate] = useState(job ? String(job.rate_per_second) : '');
  const [errors, setErrors] = useState<Errors>({});

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const list = hosts.split(/[\s,]+/).map((h) => h.trim()).filter(Boolean);
    const found: Errors = {};
    if (!agentId) found.agent_id = 'Pick the agent that scans this network';
    if (list.length === 0) found.hosts = 'Add at least one host, range or CIDR';
    if (!PORTS.test(ports)) found.ports = 'Ports like 443,8443 or 8000-9000';
    if (interval && !(/^\d+$/.test(interval) && +interval >= 1)) found.interval_seconds = 'Whole hours, at least 1';
    if (rate && !(/^\d+$/.test(rate) && +rate >= 1)) found.rate_per_second = 'A whole number of connections per second';
    setErrors(found);
    if (Object.keys(found).length) return;
    const input: DiscoveryJobInput = { agent_id: agentId, hosts: list, ports: ports.replace(/\s+/g, '') };
    if (interval) input.interval_seconds = Number(interval) * 3600;
    if (rate) input.rate_per_second = Number(rate);
    try {
      await save.mutateAsync({ id: job?.id, input });
      onDone();
    } catch (err) {
      const next: Errors = {};
      if (isApiError(err)) {
        for (const fe of err.fieldErrors()) {
          const k = fe.field.replace(/\[\d+\]$/, '') as keyof Errors;
          if (['agent_id', 'hosts', 'ports', 'interval_seconds', 'rate_per_second'].includes(k)) next[k] ??= fe.message.charAt(0).toUpperCase() + fe.message.slice(1);
        }
      }
      if (Object.keys(next).length === 0) next.root = err instanceof Error ? err.message : String(err);
      setErrors(next);
    }
  };

  return (
    <form onSubmit={onSubmit} noValidate className="form" aria-label={job ? 'Edit discovery job' : 'New discovery job'}>
      <div className="form-grid">
        <SelectField label="Agent" value={agentId} onChange={(e) => setAgentId(e.target.value)} error={errors.agent_id}
          hint={agents.length === 0 ? 'Create an agent first: discovery runs inside your network.' : 'The agent scans from inside its network.'}>
          {agents.length === 0 ? <option value="">No agents</option> : null}
          {agents.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
        </SelectField>
        <TextField label="Ports" value={ports} onChange={(e) => setPorts(e.target.value)} error={errors.ports} placeholder="443,8000-9000" autoComplete="off" />
        <div className="field span-2">
          <label htmlFor={`${id}-hosts`}>Hosts, ranges and networks</label>
          <textarea id={`${id}-hosts`} className="input textarea mono" rows={4} value={hosts} onChange={(e) => setHosts(e.target.value)}
            placeholder={'10.0.0.0/24\ndb.internal\n192.168.1.10-192.168.1.50'} aria-invalid={errors.hosts ? true : undefined}
            aria-describedby={errors.hosts ? `${id}-hosts-error` : `${id}-hosts-hint`} spellCheck={false} />
          {errors.hosts ? <p className="field-error" id={`${id}-hosts-error`} role="alert">{errors.hosts}</p> : <p className="field-hint" id={`${id}-hosts-hint`}>One per line: host names, IP addresses, ranges or CIDR blocks.</p>}
        </div>
        <TextField label="Every (hours, optional)" inputMode="numeric" value={interval} onChange={(e) => setInterval(e.target.value)} error={errors.interval_seconds} placeholder="24" />
        <TextField label="Rate (connections/second, optional)" inputMode="numeric" value={rate} onChange={(e) => setRate(e.target.value)} error={errors.rate_per_second} placeholder="server default" />
      </div>
      {errors.root ? <Notice tone="error">{errors.root}</Notice> : null}
      <div className="form-actions">
        <Button onClick={onDone}>Cancel</Button>
        <Button type="submit" variant="primary" loading={save.isPending}>{job ? 'Save job' : 'Create job'}</Button>
      </div>
    </form>
  );
}

import { zodResolver } from '@hookform/resolvers/zod';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { Button } from '@/components/ui/button';
import { SelectField, TextField } from '@/components/ui/field';
import { Notice } from '@/components/ui/notice';
import { isApiError } from '@/lib/api-client';
import { useCreateDomain, type CreateDomainInput } from '../api/create-domain';
import { defaultPort, PROTOCOLS, type AgentOption, type Domain } from '../types';

const TAG = /^[A-Za-z0-9][A-Za-z0-9._:/-]*$/;

const schema = z.object({
  host: z
    .string()
    .trim()
    .min(1, 'Enter a host name or IP address')
    .max(253, 'At most 253 characters')
    .refine((h) => !/^[a-z]+:\/\//i.test(h), 'Enter the host only, without https://')
    .refine((h) => !/[\s/]/.test(h), 'A host has no spaces or slashes'),
  port: z
    .string()
    .trim()
    .refine((p) => p === '' || (/^\d+$/.test(p) && +p >= 1 && +p <= 65535), 'Port must be between 1 and 65535'),
  protocol: z.string().min(1),
  sni: z.string().trim().max(253, 'At most 253 characters'),
  agent_id: z.string(),
  tags: z
    .string()
    .refine(
      (s) => splitTags(s).every((t) => t.length <= 50 && TAG.test(t)),
      'Tags: letters, digits and . _ : / -, separated by commas',
    )
    .refine((s) => splitTags(s).length <= 20, 'At most 20 tags'),
});

type Values = z.infer<typeof schema>;

const FIELDS = ['host', 'port', 'protocol', 'sni', 'agent_id', 'tags'] as const;

function splitTags(s: string): string[] {
  return s
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
}

type Props = { agents: AgentOption[]; onCreated?: (d: Domain) => void; onCancel?: () => void };

export function DomainForm({ agents, onCreated, onCancel }: Props) {
  const create = useCreateDomain();
  const {
    register,
    handleSubmit,
    setError,
    watch,
    reset,
    formState: { errors, isSubmitting },
  } = useForm<Values>({
    resolver: zodResolver(schema),
    defaultValues: { host: '', port: '', protocol: 'tls', sni: '', agent_id: agents.length === 1 ? agents[0]!.id : '', tags: '' },
  });
  const protocol = watch('protocol');

  const onSubmit = handleSubmit(async (v) => {
    const input: CreateDomainInput = { host: v.host, protocol: v.protocol };
    if (v.port) input.port = Number(v.port);
    if (v.sni) input.sni = v.sni;
    if (v.agent_id) input.agent_id = v.agent_id;
    const tags = splitTags(v.tags);
    if (tags.length) input.tags = tags;
    try {
      const d = await create.mutateAsync(input);
      reset({ ...v, host: '', port: '', sni: '' });
      onCreated?.(d);
    } catch (e) {
      let placed = false;
      if (isApiError(e)) {
        for (const fe of e.fieldErrors()) {
          const field = FIELDS.find((f) => f === fe.field);
          if (field) {
            setError(field, { type: 'server', message: capitalize(fe.message) });
            placed = true;
          }
        }
      }
      if (!placed) setError('root', { type: 'server', message: e instanceof Error ? e.message : String(e) });
    }
  });

  return (
    <form onSubmit={onSubmit} noValidate className="form" aria-label="Add a domain">
      <div className="form-grid">
        <TextField label="Host" placeholder="shop.example.com or 10.0.4.12" autoComplete="off" autoFocus error={errors.host?.message} {...register('host')} className="span-2" />
        <SelectField label="Protocol" error={errors.protocol?.message} {...register('protocol')}>
          {PROTOCOLS.map((p) => (
            <option key={p.value} value={p.value}>
              {p.label}
            </option>
          ))}
        </SelectField>
        <TextField label="Port" inputMode="numeric" placeholder={String(defaultPort(protocol))} hint={`Default ${defaultPort(protocol)}`} error={errors.port?.message} {...register('port')} />
        <SelectField
          label="Checked by"
          error={errors.agent_id?.message}
          hint={agents.length === 0 ? 'Create an agent to reach private networks.' : 'Agents reach hosts inside your networks.'}
          {...register('agent_id')}
        >
          <option value="">Certinel cloud (public endpoints)</option>
          {agents.map((a) => (
            <option key={a.id} value={a.id}>
              Agent: {a.name}
            </option>
          ))}
        </SelectField>
        <TextField label="SNI (optional)" placeholder="Server name to send, if not the host" autoComplete="off" error={errors.sni?.message} {...register('sni')} />
        <TextField label="Tags (optional)" placeholder="prod, payments" autoComplete="off" error={errors.tags?.message} {...register('tags')} className="span-2" />
      </div>
      {errors.root ? <Notice tone="error">{errors.root.message}</Notice> : null}
      <div className="form-actions">
        {onCancel ? <Button onClick={onCancel}>Close</Button> : null}
        <Button type="submit" variant="primary" loading={isSubmitting}>
          Add domain
        </Button>
      </div>
    </form>
  );
}

const capitalize = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);

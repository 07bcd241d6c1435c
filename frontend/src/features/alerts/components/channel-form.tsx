import { zodResolver } from '@hookform/resolvers/zod';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { Button } from '@/components/ui/button';
import { SelectField, TextField } from '@/components/ui/field';
import { Notice } from '@/components/ui/notice';
import { isApiError } from '@/lib/api-client';
import { useSaveChannel } from '../api/channels';
import type { Channel, ChannelInput } from '../types';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const splitRecipients = (s: string) =>
  s
    .split(/[\s,;]+/)
    .map((r) => r.trim())
    .filter(Boolean);

const schema = z
  .object({
    type: z.enum(['email', 'webhook']),
    name: z.string().trim().min(1, 'Give the channel a name').max(100, 'At most 100 characters'),
    recipients: z.string(),
    url: z.string().trim(),
    secret: z.string().max(256, 'At most 256 characters'),
    format: z.enum(['json', 'slack']),
    digest: z.boolean(),
  })
  .superRefine((v, ctx) => {
    if (v.type === 'email') {
      const list = splitRecipients(v.recipients);
      if (list.length === 0) ctx.addIssue({ code: 'custom', path: ['recipients'], message: 'Add at least one email address' });
      const bad = list.find((r) => !EMAIL.test(r));
      if (bad) ctx.addIssue({ code: 'custom', path: ['recipients'], message: `${bad} is not an email address` });
    } else if (!v.url) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'Enter the URL to post to' });
    } else if (!/^https?:\/\//i.test(v.url)) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'The URL starts with https:// (or http://)' });
    }
  });

type Values = z.infer<typeof schema>;
type FieldName = 'type' | 'name' | 'recipients' | 'url' | 'secret' | 'format' | 'digest';

/**
 * The server names config problems as field "config" with a message led by
 * the config's own field ("url: is required", "recipients[1]: ..."); this
 * finds the input they belong to.
 */
export function channelErrorField(field: string, message: string): { field: FieldName | null; message: string } {
  if (field === 'name' || field === 'type' || field === 'digest') return { field, message };
  if (field === 'config') {
    const m = /^([a-z_]+)(\[\d+\])?: (.*)$/s.exec(message);
    if (m) {
      const inner = m[1]!;
      const target = inner === 'recipients' ? 'recipients' : inner === 'url' ? 'url' : inner === 'secret' ? 'secret' : inner === 'format' ? 'format' : null;
      if (target) return { field: target, message: m[2] ? `${inner}${m[2]}: ${m[3]}` : m[3]! };
    }
  }
  return { field: null, message };
}

const cap = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);

type Props = { channel?: Channel; onSaved?: (c: Channel) => void; onCancel?: () => void };

export function ChannelForm({ channel, onSaved, onCancel }: Props) {
  const save = useSaveChannel();
  const editing = Boolean(channel);
  const {
    register,
    handleSubmit,
    setError,
    watch,
    formState: { errors, isSubmitting },
  } = useForm<Values>({
    resolver: zodResolver(schema),
    defaultValues: {
      type: (channel?.type as 'email' | 'webhook') ?? 'email',
      name: channel?.name ?? '',
      recipients: (channel?.config.recipients ?? []).join('\n'),
      url: channel?.config.url ?? '',
      secret: '',
      format: channel?.config.format ?? 'json',
      digest: channel?.digest ?? false,
    },
  });
  const type = watch('type');

  const onSubmit = handleSubmit(async (v) => {
    const input: ChannelInput = {
      name: v.name,
      digest: v.digest,
      config:
        v.type === 'email'
          ? { recipients: splitRecipients(v.recipients) }
          : // A config without a secret keeps the stored one.
            { url: v.url, format: v.format, ...(v.secret ? { secret: v.secret } : {}) },
    };
    if (!editing) input.type = v.type;
    try {
      const saved = await save.mutateAsync({ id: channel?.id, input });
      onSaved?.(saved);
    } catch (e) {
      let placed = false;
      if (isApiError(e)) {
        for (const fe of e.fieldErrors()) {
          const { field, message } = channelErrorField(fe.field, fe.message);
          if (field) {
            setError(field, { type: 'server', message: cap(message) });
            placed = true;
          }
        }
      }
      if (!placed) setError('root', { type: 'server', message: e instanceof Error ? e.message : String(e) });
    }
  });

  return (
    <form onSubmit={onSubmit} noValidate className="form" aria-label={editing ? `Edit channel ${channel!.name}` : 'New alert channel'}>
      <fieldset className="type-picker" disabled={editing}>
        <legend>Type</legend>
        <label className={`type-option${type === 'email' ? ' checked' : ''}`}>
          <input type="radio" value="email" {...register('type')} /> <strong>Email</strong>
          <span className="muted small">Messages to one or more addresses</span>
        </label>
        <label className={`type-option${type === 'webhook' ? ' checked' : ''}`}>
          <input type="radio" value="webhook" {...register('type')} /> <strong>Webhook</strong>
          <span className="muted small">Signed JSON, or a Slack-compatible payload</span>
        </label>
        {editing ? <p className="field-hint">The type of a channel cannot be changed.</p> : null}
        {errors.type ? <p className="field-error" role="alert">{errors.type.message}</p> : null}
      </fieldset>
      <div className="form-grid">
        <TextField label="Name" placeholder={type === 'email' ? 'On-call team' : 'Ops webhook'} autoComplete="off" error={errors.name?.message} {...register('name')} className="span-2" />
        {type === 'email' ? (
          <div className="field span-2">
            <label htmlFor="ch-recipients">Recipients</label>
            <textarea
              id="ch-recipients"
              className="input textarea"
              rows={3}
              placeholder={'ops@example.com\nsecurity@example.com'}
              aria-invalid={errors.recipients ? true : undefined}
              aria-describedby={errors.recipients ? 'ch-recipients-error' : 'ch-recipients-hint'}
              {...register('recipients')}
            />
            {errors.recipients ? (
              <p className="field-error" id="ch-recipients-error" role="alert">{errors.recipients.message}</p>
            ) : (
              <p className="field-hint" id="ch-recipients-hint">One address per line, or separated by commas.</p>
            )}
          </div>
        ) : (
          <>
            <TextField label="URL" type="url" placeholder="https://hooks.example.com/certinel" autoComplete="off" error={errors.url?.message} {...register('url')} className="span-2" />
            <SelectField label="Format" error={errors.format?.message} {...register('format')}>
              <option value="json">Certinel JSON (signed)</option>
              <option value="slack">Slack incoming webhook</option>
            </SelectField>
            <TextField
              label="Signing secret (optional)"
              type="password"
              autoComplete="new-password"
              placeholder={channel?.has_secret ? 'Stored · leave empty to keep it' : ''}
              hint={channel?.has_secret ? 'A secret is stored; it is never shown again. Type a new one to replace it.' : 'Used to sign each request (HMAC-SHA256).'}
              error={errors.secret?.message}
              {...register('secret')}
            />
          </>
        )}
        <div className="field span-2 checkbox-field">
          <label>
            <input type="checkbox" {...register('digest')} /> Group alerts into a digest
          </label>
        </div>
      </div>
      {errors.root ? <Notice tone="error">{errors.root.message}</Notice> : null}
      <div className="form-actions">
        {onCancel ? <Button onClick={onCancel}>Cancel</Button> : null}
        <Button type="submit" variant="primary" loading={isSubmitting}>
          {editing ? 'Save channel' : 'Create channel'}
        </Button>
      </div>
    </form>
  );
}

import { useMemo } from 'react';
import { useForm, type Path } from 'react-hook-form';
import { Button } from '@/components/ui/button';
import { SelectField, TextField } from '@/components/ui/field';
import { Notice } from '@/components/ui/notice';
import { Spinner } from '@/components/ui/spinner';
import { isApiError } from '@/lib/api-client';
import { useChannelTypes, useSaveChannel } from '../api/channels';
import { channelErrorField, initialConfig, sortChannelTypes, splitList, toConfig, type ConfigValues } from '../channel-config';
import type { Channel, ChannelInput, ChannelTypeDescription, ChannelTypeField } from '../types';
import { ConfigField } from './config-field';

type Props = { channel?: Channel; onSaved?: (c: Channel) => void; onCancel?: () => void };

/** The form for a channel of any type the server offers, drawn from GET /channel-types. */
export function ChannelForm(props: Props) {
  const types = useChannelTypes();
  if (types.isPending) return <Spinner label="Loading channel types" />;
  if (types.isError) return <Notice tone="error" title="Could not load channel types.">{types.error.message}</Notice>;
  return <DescribedChannelForm {...props} types={sortChannelTypes(types.data.items)} />;
}

// Each type keeps its own config values, so switching type and back loses nothing
// and a "url" of one type never leaks into another's.
type Values = { type: string; name: string; digest: boolean; config: Record<string, ConfigValues> };

const cap = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);

function fieldRules(f: ChannelTypeField, required: boolean) {
  return {
    validate: (raw: unknown) => {
      const v = typeof raw === 'string' ? raw.trim() : '';
      if (required && (f.kind === 'list' ? splitList(v).length === 0 : v === '')) return f.kind === 'list' ? 'Add at least one entry' : `Enter the ${f.label.toLowerCase()}`;
      if (v && f.kind === 'url' && !/^https?:\/\//i.test(v)) return 'The URL starts with https:// (or http://)';
      return true;
    },
  };
}

function DescribedChannelForm({ channel, onSaved, onCancel, types }: Props & { types: ChannelTypeDescription[] }) {
  const save = useSaveChannel();
  const editing = Boolean(channel);
  const defaultValues = useMemo<Values>(
    () => ({
      type: channel?.type ?? types[0]?.type ?? '',
      name: channel?.name ?? '',
      digest: channel?.digest ?? false,
      config: Object.fromEntries(types.map((d) => [d.type, initialConfig(d, channel)])),
    }),
    [channel, types],
  );
  const {
    register,
    handleSubmit,
    setError,
    watch,
    formState: { errors, isSubmitting },
  } = useForm<Values>({ defaultValues });
  const type = watch('type');
  const desc = types.find((d) => d.type === type);
  const secretStored = editing && Boolean(channel?.has_secret);
  const configPath = (name: string) => `config.${type}.${name}` as Path<Values>;

  const onSubmit = handleSubmit(async (v) => {
    if (!desc) return;
    const input: ChannelInput = { name: v.name.trim(), digest: v.digest, config: toConfig(desc.fields, v.config[type] ?? {}) };
    if (!editing) input.type = type;
    try {
      const saved = await save.mutateAsync({ id: channel?.id, input });
      onSaved?.(saved);
    } catch (e) {
      let placed = false;
      if (isApiError(e)) {
        for (const fe of e.fieldErrors()) {
          const { field, message } = channelErrorField(fe.field, fe.message, desc.fields.map((f) => f.name));
          if (!field) continue;
          const path = field.startsWith('config.') ? configPath(field.slice('config.'.length)) : (field as Path<Values>);
          setError(path, { type: 'server', message: cap(message) });
          placed = true;
        }
      }
      if (!placed) setError('root', { type: 'server', message: e instanceof Error ? e.message : String(e) });
    }
  });

  return (
    <form onSubmit={onSubmit} noValidate className="form" aria-label={editing ? `Edit channel ${channel!.name}` : 'New alert channel'}>
      <div className="form-grid">
        <SelectField
          label="Type"
          disabled={editing}
          hint={editing ? 'The type of a channel cannot be changed.' : undefined}
          error={errors.type?.message}
          {...register('type')}
        >
          {desc ? null : <option value={type}>{type}</option>}
          {types.map((d) => (
            <option key={d.type} value={d.type}>
              {d.label}
            </option>
          ))}
        </SelectField>
        <TextField
          label="Name"
          className="required"
          aria-required
          placeholder="On-call team"
          autoComplete="off"
          error={errors.name?.message}
          {...register('name', {
            validate: (s) => (s.trim() === '' ? 'Give the channel a name' : s.trim().length > 100 ? 'At most 100 characters' : true),
          })}
        />
        {desc?.unavailable ? (
          <div className="span-2">
            <Notice tone="warning" title={`${desc.label} cannot deliver on this server.`}>{desc.unavailable}</Notice>
          </div>
        ) : null}
        {desc ? (
          desc.fields.map((f) => (
            <ConfigField
              key={`${type}.${f.name}`}
              field={f}
              secretStored={secretStored}
              error={errors.config?.[type]?.[f.name]?.message}
              registration={register(configPath(f.name), fieldRules(f, f.required && !(f.kind === 'secret' && editing)))}
            />
          ))
        ) : (
          <div className="span-2">
            <Notice tone="warning">This server no longer offers the channel type “{type}”; its settings cannot be edited.</Notice>
          </div>
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
        <Button type="submit" variant="primary" loading={isSubmitting} disabled={!desc}>
          {editing ? 'Save channel' : 'Create channel'}
        </Button>
      </div>
    </form>
  );
}

import type { UseFormRegisterReturn } from 'react-hook-form';
import { SelectField, TextAreaField, TextField } from '@/components/ui/field';
import type { ChannelTypeField } from '../types';

type Props = {
  field: ChannelTypeField;
  /** An edit of a channel that has a secret stored: empty keeps it. */
  secretStored: boolean;
  error?: string | undefined;
  registration: UseFormRegisterReturn;
};

/** One input of a channel's config, drawn from the field's kind as the server describes it. */
export function ConfigField({ field: f, secretStored, error, registration }: Props) {
  const required = f.required && !(f.kind === 'secret' && secretStored);
  const common = {
    label: f.label,
    error,
    hint: f.kind === 'list' ? [f.help, 'One per line, or separated by commas.'].filter(Boolean).join(' ') : f.help,
    className: `${f.kind === 'textarea' || f.kind === 'list' || f.kind === 'url' ? 'span-2' : ''}${required ? ' required' : ''}`.trim() || undefined,
    'aria-required': required || undefined,
    ...registration,
  };
  switch (f.kind) {
    case 'select':
      return (
        <SelectField {...common}>
          {(f.options ?? []).map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </SelectField>
      );
    case 'textarea':
      return <TextAreaField {...common} rows={6} mono spellCheck={false} placeholder={f.placeholder} />;
    case 'list':
      return <TextAreaField {...common} rows={3} placeholder={f.placeholder} />;
    case 'secret':
      return (
        <TextField
          {...common}
          type="password"
          autoComplete="new-password"
          placeholder={secretStored ? 'Stored — leave empty to keep' : f.placeholder}
        />
      );
    default:
      return <TextField {...common} type={f.kind === 'number' ? 'number' : f.kind === 'url' ? 'url' : 'text'} autoComplete="off" placeholder={f.placeholder} />;
  }
}

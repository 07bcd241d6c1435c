import { zodResolver } from '@hookform/resolvers/zod';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { Button } from '@/components/ui/button';
import { SelectField, TextField } from '@/components/ui/field';
import { Notice } from '@/components/ui/notice';
import { isApiError } from '@/lib/api-client';
import { useCreateToken } from '../api/create-token';
import { SCOPES, type ApiToken, type TokenScope } from '../types';

const schema = z.object({
  name: z.string().trim().min(1, 'Name the token after what will use it').max(100, 'At most 100 characters'),
  scope: z.enum(['read', 'write', 'agent']),
  expires: z.enum(['never', '30', '90', '365']),
});
type Values = z.infer<typeof schema>;

export function CreateTokenForm({ onCreated }: { onCreated: (t: ApiToken & { token: string }) => void }) {
  const create = useCreateToken();
  const { register, handleSubmit, setError, watch, reset, formState: { errors, isSubmitting } } = useForm<Values>({
    resolver: zodResolver(schema),
    defaultValues: { name: '', scope: 'read', expires: 'never' },
  });
  const scope = watch('scope');
  const onSubmit = handleSubmit(async (v) => {
    const input: { name: string; scope: TokenScope; expires_at?: string } = { name: v.name, scope: v.scope };
    if (v.expires !== 'never') input.expires_at = new Date(Date.now() + Number(v.expires) * 86_400_000).toISOString();
    try {
      const t = await create.mutateAsync(input);
      reset();
      onCreated(t);
    } catch (e) {
      let placed = false;
      if (isApiError(e)) {
        for (const fe of e.fieldErrors()) {
          const f = fe.field === 'expires_at' ? 'expires' : fe.field;
          if (f === 'name' || f === 'scope' || f === 'expires') {
            setError(f, { type: 'server', message: fe.message });
            placed = true;
          }
        }
      }
      if (!placed) setError('root', { message: e instanceof Error ? e.message : String(e) });
    }
  });
  return (
    <form className="form card" onSubmit={onSubmit} noValidate aria-label="Create an API token">
      <div className="form-grid">
        <TextField label="Name" placeholder="grafana, ci-deploy…" autoComplete="off" error={errors.name?.message} {...register('name')} className="span-2" />
        <SelectField label="Scope" error={errors.scope?.message} hint={SCOPES.find((s) => s.value === scope)?.help} {...register('scope')}>
          {SCOPES.map((s) => <option key={s.value} value={s.value}>{s.label}</option>)}
        </SelectField>
        <SelectField label="Expires" error={errors.expires?.message} {...register('expires')}>
          <option value="never">Never</option>
          <option value="30">In 30 days</option>
          <option value="90">In 90 days</option>
          <option value="365">In a year</option>
        </SelectField>
      </div>
      {errors.root ? <Notice tone="error">{errors.root.message}</Notice> : null}
      <div className="form-actions">
        <Button type="submit" variant="primary" loading={isSubmitting}>Create token</Button>
      </div>
    </form>
  );
}

import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { Notice } from '@/components/ui/notice';
import { isApiError } from '@/lib/api-client';
import { useChangePassword } from '../api/password';

const schema = z
  .object({
    current: z.string().min(1, 'Enter your current password'),
    next: z.string().min(10, 'Use at least 10 characters').max(128, 'Use at most 128 characters'),
    confirm: z.string(),
  })
  .refine((v) => v.next === v.confirm, { path: ['confirm'], message: 'The two new passwords differ' })
  .refine((v) => v.next !== v.current, { path: ['next'], message: 'Choose a password other than the current one' });
type Values = z.infer<typeof schema>;

export function ChangePasswordForm() {
  const change = useChangePassword();
  const [changed, setChanged] = useState(false);
  const { register, handleSubmit, setError, reset, formState: { errors, isSubmitting } } = useForm<Values>({
    resolver: zodResolver(schema),
    defaultValues: { current: '', next: '', confirm: '' },
  });
  const onSubmit = handleSubmit(async (v) => {
    setChanged(false);
    try {
      await change.mutateAsync({ current_password: v.current, new_password: v.next });
      reset();
      setChanged(true);
    } catch (e) {
      if (isApiError(e) && e.code === 'wrong_password') setError('current', { message: 'This is not your current password' });
      else if (isApiError(e) && e.field === 'new_password') setError('next', { message: e.fieldErrors()[0]?.message ?? e.message });
      else if (isApiError(e) && e.code === 'rate_limited') setError('root', { message: 'Too many attempts. Wait a moment and try again.' });
      else setError('root', { message: e instanceof Error ? e.message : String(e) });
    }
  });
  return (
    <form className="form" onSubmit={onSubmit} noValidate aria-label="Change password">
      <TextField label="Current password" type="password" autoComplete="current-password" error={errors.current?.message} {...register('current')} />
      <TextField label="New password" type="password" autoComplete="new-password" hint="10 to 128 characters." error={errors.next?.message} {...register('next')} />
      <TextField label="Repeat the new password" type="password" autoComplete="new-password" error={errors.confirm?.message} {...register('confirm')} />
      {errors.root ? <Notice tone="error">{errors.root.message}</Notice> : null}
      {changed ? (
        <Notice tone="success">Password changed. Your other sessions were signed out; this one stays signed in.</Notice>
      ) : null}
      <div><Button type="submit" variant="primary" loading={isSubmitting}>Change password</Button></div>
    </form>
  );
}

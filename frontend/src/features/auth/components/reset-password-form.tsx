import { zodResolver } from '@hookform/resolvers/zod';
import { useForm } from 'react-hook-form';
import { Link } from 'react-router';
import { z } from 'zod';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { Notice } from '@/components/ui/notice';
import { useResetPassword } from '../api/password-reset';
import { applyServerErrors } from './apply-errors';

const schema = z
  .object({
    password: z.string().min(10, 'Use at least 10 characters').max(128, 'Use at most 128 characters'),
    confirm: z.string(),
  })
  .refine((v) => v.password === v.confirm, { path: ['confirm'], message: 'The two passwords differ' });
type Values = z.infer<typeof schema>;

/** Chooses a new password with the token of a reset link. */
export function ResetPasswordForm({ token }: { token: string }) {
  const reset = useResetPassword();
  const { register, handleSubmit, setError, formState: { errors, isSubmitting } } = useForm<Values>({
    resolver: zodResolver(schema),
    defaultValues: { password: '', confirm: '' },
  });
  const onSubmit = handleSubmit(async (v) => {
    try {
      await reset.mutateAsync({ token, password: v.password });
    } catch (e) {
      applyServerErrors(e, ['password'], setError);
    }
  });
  if (reset.isSuccess) {
    return (
      <Notice tone="success" title="Your password is changed">
        Every session of your account was signed out. <Link to="/login">Sign in</Link> with your new password.
      </Notice>
    );
  }
  return (
    <form className="form" onSubmit={onSubmit} noValidate aria-label="Choose a new password">
      <TextField label="New password" type="password" autoComplete="new-password" hint="10 to 128 characters." autoFocus
        error={errors.password?.message} {...register('password')} />
      <TextField label="Repeat the new password" type="password" autoComplete="new-password" error={errors.confirm?.message} {...register('confirm')} />
      {errors.root ? <Notice tone="error">{errors.root.message}</Notice> : null}
      <Button type="submit" variant="primary" className="btn-block" loading={isSubmitting}>
        Set new password
      </Button>
    </form>
  );
}

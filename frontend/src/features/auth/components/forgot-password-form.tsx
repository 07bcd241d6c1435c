import { zodResolver } from '@hookform/resolvers/zod';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { Notice } from '@/components/ui/notice';
import { Spinner } from '@/components/ui/spinner';
import { usePasswordResetAvailable, useRequestPasswordReset } from '../api/password-reset';
import { applyServerErrors } from './apply-errors';

const schema = z.object({ email: z.string().trim().min(1, 'Enter your email address').email('Enter a valid email address') });
type Values = z.infer<typeof schema>;

/** Asks for a reset link by email, or says this server cannot send one. */
export function ForgotPasswordForm() {
  const available = usePasswordResetAvailable();
  const request = useRequestPasswordReset();
  const { register, handleSubmit, setError, formState: { errors, isSubmitting } } = useForm<Values>({
    resolver: zodResolver(schema),
    defaultValues: { email: '' },
  });
  const onSubmit = handleSubmit(async (v) => {
    try {
      await request.mutateAsync(v.email);
    } catch (e) {
      applyServerErrors(e, ['email'], setError);
    }
  });
  if (available.isPending) return <Spinner />;
  if (!available.data?.available) {
    return (
      <Notice tone="warning" title="Email reset is unavailable on this server">
        This server has no email relay configured, so it cannot send reset links. Ask an owner of your organization or the
        operator of this server to help.
      </Notice>
    );
  }
  if (request.isSuccess) {
    return (
      <Notice tone="success" title="Check your inbox">
        If {request.variables} has a Certinel account, a link to choose a new password is on its way. It works once, within one hour.
      </Notice>
    );
  }
  return (
    <form className="form" onSubmit={onSubmit} noValidate aria-label="Reset your password">
      <p className="muted">We will email you a link to choose a new password.</p>
      <TextField label="Email" type="email" autoComplete="email" autoFocus error={errors.email?.message} {...register('email')} />
      {errors.root ? <Notice tone="error">{errors.root.message}</Notice> : null}
      <Button type="submit" variant="primary" className="btn-block" loading={isSubmitting}>
        Email me a reset link
      </Button>
    </form>
  );
}

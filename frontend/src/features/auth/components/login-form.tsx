import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { Link } from 'react-router';
import { z } from 'zod';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { Notice } from '@/components/ui/notice';
import { isChallenge, useLogin } from '@/lib/auth';
import { applyServerErrors } from './apply-errors';
import { SecondFactorForm } from './second-factor-form';

const schema = z.object({
  email: z.string().trim().min(1, 'Enter your email address').email('Enter a valid email address'),
  password: z.string().min(1, 'Enter your password'),
});
type Values = z.infer<typeof schema>;

/** Sign-in: the password, then a code when the account has two-factor authentication. */
export function LoginForm({ onSuccess }: { onSuccess: () => void }) {
  const login = useLogin();
  const [challenge, setChallenge] = useState<string | null>(null);
  const { register, handleSubmit, setError, formState: { errors, isSubmitting } } = useForm<Values>({
    resolver: zodResolver(schema),
    defaultValues: { email: '', password: '' },
  });
  const onSubmit = handleSubmit(async (v) => {
    try {
      const r = await login.mutateAsync(v);
      if (isChallenge(r)) setChallenge(r.challenge);
      else onSuccess();
    } catch (e) {
      applyServerErrors(e, ['email', 'password'], setError);
    }
  });
  if (challenge) {
    return <SecondFactorForm challenge={challenge} onSuccess={onSuccess} onRestart={() => setChallenge(null)} />;
  }
  return (
    <form className="form" onSubmit={onSubmit} noValidate aria-label="Sign in">
      <TextField label="Email" type="email" autoComplete="email" autoFocus error={errors.email?.message} {...register('email')} />
      <TextField label="Password" type="password" autoComplete="current-password" error={errors.password?.message} {...register('password')} />
      {errors.root ? <Notice tone="error">{errors.root.message}</Notice> : null}
      <Button type="submit" variant="primary" className="btn-block" loading={isSubmitting}>
        Sign in
      </Button>
      <p className="muted"><Link to="/forgot-password">Forgot your password?</Link></p>
    </form>
  );
}

import { zodResolver } from '@hookform/resolvers/zod';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { Notice } from '@/components/ui/notice';
import { useLogin } from '@/lib/auth';
import { applyServerErrors } from './apply-errors';

const schema = z.object({
  email: z.string().trim().min(1, 'Enter your email address').email('Enter a valid email address'),
  password: z.string().min(1, 'Enter your password'),
});
type Values = z.infer<typeof schema>;

export function LoginForm({ onSuccess }: { onSuccess: () => void }) {
  const login = useLogin();
  const { register, handleSubmit, setError, formState: { errors, isSubmitting } } = useForm<Values>({
    resolver: zodResolver(schema),
    defaultValues: { email: '', password: '' },
  });
  const onSubmit = handleSubmit(async (v) => {
    try {
      await login.mutateAsync(v);
      onSuccess();
    } catch (e) {
      applyServerErrors(e, ['email', 'password'], setError);
    }
  });
  return (
    <form className="form" onSubmit={onSubmit} noValidate aria-label="Sign in">
      <TextField label="Email" type="email" autoComplete="email" autoFocus error={errors.email?.message} {...register('email')} />
      <TextField label="Password" type="password" autoComplete="current-password" error={errors.password?.message} {...register('password')} />
      {errors.root ? <Notice tone="error">{errors.root.message}</Notice> : null}
      <Button type="submit" variant="primary" className="btn-block" loading={isSubmitting}>
        Sign in
      </Button>
    </form>
  );
}

import { zodResolver } from '@hookform/resolvers/zod';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { Notice } from '@/components/ui/notice';
import { useSignup } from '@/lib/auth';
import { applyServerErrors } from './apply-errors';

const schema = z.object({
  email: z.string().trim().min(1, 'Enter your work email').email('Enter a valid email address'),
  password: z.string().min(10, 'Use at least 10 characters').max(128, 'At most 128 characters'),
  organization: z.string().trim().min(1, 'Name your organization').max(100, 'At most 100 characters'),
});
type Values = z.infer<typeof schema>;

export function SignupForm({ onSuccess }: { onSuccess: () => void }) {
  const signup = useSignup();
  const { register, handleSubmit, setError, formState: { errors, isSubmitting } } = useForm<Values>({
    resolver: zodResolver(schema),
    defaultValues: { email: '', password: '', organization: '' },
  });
  const onSubmit = handleSubmit(async (v) => {
    try {
      await signup.mutateAsync(v);
      onSuccess();
    } catch (e) {
      applyServerErrors(e, ['email', 'password', 'organization'], setError);
    }
  });
  return (
    <form className="form" onSubmit={onSubmit} noValidate aria-label="Create your account">
      <TextField label="Work email" type="email" autoComplete="email" autoFocus error={errors.email?.message} {...register('email')} />
      <TextField label="Password" type="password" autoComplete="new-password" hint="10 to 128 characters." error={errors.password?.message} {...register('password')} />
      <TextField label="Organization" autoComplete="organization" placeholder="Acme Inc." error={errors.organization?.message} {...register('organization')} />
      {errors.root ? <Notice tone="error">{errors.root.message}</Notice> : null}
      <Button type="submit" variant="primary" className="btn-block" loading={isSubmitting}>
        Create account
      </Button>
    </form>
  );
}

import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { AuthLayout } from '@/components/layouts/auth-layout';
import { Spinner } from '@/components/ui/spinner';
import { LoginForm } from '@/features/auth/components/login-form';
import { safeNext, useSession } from '@/lib/auth';

export default function LoginRoute() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const session = useSession();
  const next = safeNext(params.get('next'));
  if (session.isPending) return <Spinner />;
  if (session.data) return <Navigate to={next} replace />;
  return (
    <AuthLayout
      title="Sign in"
      subtitle="Welcome back. Your certificates are waiting."
      footer={<>New to Certinel? <Link to="/signup">Create an account</Link></>}
    >
      <title>Sign in · Certinel</title>
      <LoginForm onSuccess={() => navigate(next, { replace: true })} />
    </AuthLayout>
  );
}

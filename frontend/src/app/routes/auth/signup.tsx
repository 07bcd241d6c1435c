import { Link, Navigate, useNavigate } from 'react-router';
import { AuthLayout } from '@/components/layouts/auth-layout';
import { Spinner } from '@/components/ui/spinner';
import { SignupForm } from '@/features/auth/components/signup-form';
import { useSession } from '@/lib/auth';

export default function SignupRoute() {
  const navigate = useNavigate();
  const session = useSession();
  if (session.isPending) return <Spinner />;
  if (session.data) return <Navigate to="/" replace />;
  return (
    <AuthLayout
      title="Create your account"
      subtitle="Watch every TLS certificate you run, on the internet and inside your networks."
      footer={<>Already have an account? <Link to="/login">Sign in</Link></>}
    >
      <title>Sign up · Certinel</title>
      <SignupForm onSuccess={() => navigate('/', { replace: true })} />
    </AuthLayout>
  );
}

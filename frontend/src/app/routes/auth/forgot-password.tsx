import { Link } from 'react-router';
import { AuthLayout } from '@/components/layouts/auth-layout';
import { ForgotPasswordForm } from '@/features/auth/components/forgot-password-form';

export default function ForgotPasswordRoute() {
  return (
    <AuthLayout title="Forgot your password?" footer={<Link to="/login">Back to sign in</Link>}>
      <title>Forgot password · Certinel</title>
      <ForgotPasswordForm />
    </AuthLayout>
  );
}

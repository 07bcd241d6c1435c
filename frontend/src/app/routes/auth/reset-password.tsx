import { Link, useParams } from 'react-router';
import { AuthLayout } from '@/components/layouts/auth-layout';
import { ResetPasswordForm } from '@/features/auth/components/reset-password-form';

export default function ResetPasswordRoute() {
  const { token = '' } = useParams();
  return (
    <AuthLayout title="Choose a new password" footer={<>Link expired? <Link to="/forgot-password">Ask for a new one</Link></>}>
      <title>Reset password · Certinel</title>
      <ResetPasswordForm token={token} />
    </AuthLayout>
  );
}

import { useParams } from 'react-router';
import { CertificateDetail } from '@/features/certificates/components/certificate-detail';

export default function CertificateRoute() {
  const { sha256 = '' } = useParams();
  return (
    <>
      <title>Certificate · Certinel</title>
      <CertificateDetail sha256={sha256.toLowerCase()} />
    </>
  );
}

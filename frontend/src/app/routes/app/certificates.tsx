import { PageHeader } from '@/components/ui/page-header';
import { CertificatesTable } from '@/features/certificates/components/certificates-table';
import { RevocationSources } from '@/features/certificates/components/revocation-sources';

export default function CertificatesRoute() {
  return (
    <>
      <title>Certificates · Certinel</title>
      <PageHeader title="Certificates" description="Every distinct certificate your endpoints serve." />
      <CertificatesTable />
      <h2 className="section-title">Revocation sources</h2>
      <p className="muted">The CRLs and OCSP responders your certificates name, as the server last found them.</p>
      <RevocationSources />
    </>
  );
}

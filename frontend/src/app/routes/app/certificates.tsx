import { PageHeader } from '@/components/ui/page-header';
import { CertificatesTable } from '@/features/certificates/components/certificates-table';
import { RevocationSources } from '@/features/certificates/components/revocation-sources';
import { usePermissions } from '@/lib/auth';

export default function CertificatesRoute() {
  const { canWrite } = usePermissions();
  return (
    <>
      <title>Certificates · Certinel</title>
      <PageHeader title="Certificates" description="Every distinct certificate your endpoints serve." />
      <CertificatesTable />
      <h2 className="section-title">Revocation sources</h2>
      <p className="muted">The CRLs and OCSP responders your certificates name, as last found by the server or an agent; upload the CRL of an internal CA that publishes it nowhere reachable.</p>
      <RevocationSources canWrite={canWrite} />
    </>
  );
}

import { PageHeader } from '@/components/ui/page-header';
import { CertificatesTable } from '@/features/certificates/components/certificates-table';

export default function CertificatesRoute() {
  return (
    <>
      <title>Certificates · Certinel</title>
      <PageHeader title="Certificates" description="Every distinct certificate your endpoints serve." />
      <CertificatesTable />
    </>
  );
}

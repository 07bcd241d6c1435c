import { PageHeader } from '@/components/ui/page-header';
import { AuditTable } from '@/features/members/components/audit-table';

export default function AuditLogRoute() {
  return (
    <>
      <title>Audit log · Certinel</title>
      <PageHeader title="Audit log" description="Every change: who or which token made it, when, and from where." />
      <AuditTable />
    </>
  );
}

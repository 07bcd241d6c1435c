import { PageHeader } from '@/components/ui/page-header';
import { OrganizationSettings } from '@/features/organization/components/organization-settings';
import { SMTPRelaySection } from '@/features/organization/components/smtp-relay-form';
import { usePermissions } from '@/lib/auth';

export default function OrganizationRoute() {
  const { isOwner } = usePermissions();
  return (
    <>
      <title>Organization · Certinel</title>
      <PageHeader
        title="Organization"
        description="When a certificate counts as expiring, the certificate policy every domain is judged by, how agents must authenticate, and the relay that sends its email."
      />
      <OrganizationSettings canEdit={isOwner} />
      {isOwner ? <SMTPRelaySection /> : null}
    </>
  );
}

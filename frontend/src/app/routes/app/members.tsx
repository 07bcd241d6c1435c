import { PageHeader } from '@/components/ui/page-header';
import { MembersPage } from '@/features/members/components/members-page';
import { usePermissions, useSession } from '@/lib/auth';

export default function MembersRoute() {
  const { isOwner } = usePermissions();
  const session = useSession();
  return (
    <>
      <title>Members · Certinel</title>
      <PageHeader title="Members" description="Who belongs to this organization, and what each role may do." />
      <MembersPage isOwner={isOwner} selfId={session.data?.user.id ?? ''} />
    </>
  );
}

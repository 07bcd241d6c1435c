import { PageHeader } from '@/components/ui/page-header';
import { EventsTable } from '@/features/alerts/components/events-table';
import { usePermissions } from '@/lib/auth';

export default function EventsRoute() {
  const { canWrite } = usePermissions();
  return (
    <>
      <title>Events · Certinel</title>
      <PageHeader title="Events" description="Every alert Certinel raised, and what happened to each delivery." />
      <EventsTable canWrite={canWrite} />
    </>
  );
}

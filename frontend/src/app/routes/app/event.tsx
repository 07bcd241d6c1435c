import { useParams } from 'react-router';
import { EventDetail } from '@/features/alerts/components/event-detail';
import { usePermissions } from '@/lib/auth';

export default function EventRoute() {
  const { id = '' } = useParams();
  const { canWrite } = usePermissions();
  return (
    <>
      <title>Event · Certinel</title>
      <EventDetail id={id} canWrite={canWrite} />
    </>
  );
}

import { Link } from 'react-router';
import { PageHeader } from '@/components/ui/page-header';
import { useAllAgents } from '@/features/agents/api/get-agents';
import { ChannelsList } from '@/features/alerts/components/channels-list';
import { MaintenanceWindows } from '@/features/alerts/components/maintenance-windows';
import { RulesList } from '@/features/alerts/components/rules-list';
import { usePermissions } from '@/lib/auth';

export default function AlertsRoute() {
  const agents = useAllAgents();
  const { canAdmin, canWrite } = usePermissions();
  const agentOptions = (agents.data ?? []).map((a) => ({ id: a.id, name: a.name }));
  return (
    <>
      <title>Alerts · Certinel</title>
      <PageHeader
        title="Alerts"
        description={<>Where alerts go and when they fire. Every alert and its deliveries are in the <Link to="/events">event history</Link>.</>}
      />
      <ChannelsList canWrite={canAdmin} />
      <RulesList agents={agentOptions} canWrite={canAdmin} />
      <MaintenanceWindows agents={agentOptions} canWrite={canWrite} />
    </>
  );
}

import { PageHeader } from '@/components/ui/page-header';
import { ACMEDirectoriesList } from '@/features/acme-directories/components/acme-directories-list';
import { CABundlesList } from '@/features/ca-bundles/components/ca-bundles-list';
import { usePermissions } from '@/lib/auth';

export default function CABundlesRoute() {
  const { canAdmin } = usePermissions();
  return (
    <>
      <title>CA bundles · Certinel</title>
      <PageHeader title="CA bundles" description="Your organization's own certificate authorities, trusted for your endpoints alongside the public roots." />
      <CABundlesList canWrite={canAdmin} />
      <ACMEDirectoriesList canWrite={canAdmin} />
    </>
  );
}

import { PageHeader } from '@/components/ui/page-header';
import { FileSourcesTable } from '@/features/files/components/file-sources-table';

export default function FilesRoute() {
  return (
    <>
      <title>Files · Certinel</title>
      <PageHeader title="Files"
        description="Certificates your agents read from files and keystores on their hosts, judged like endpoints except for the host name match." />
      <FileSourcesTable />
    </>
  );
}

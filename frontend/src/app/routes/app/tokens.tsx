import { useState } from 'react';
import { PageHeader } from '@/components/ui/page-header';
import { CreateTokenForm } from '@/features/tokens/components/create-token-form';
import { TokenCreatedPanel } from '@/features/tokens/components/token-created-panel';
import { TokensList } from '@/features/tokens/components/tokens-list';
import type { ApiToken } from '@/features/tokens/types';
import { PermittedButton } from '@/components/ui/permitted-button';
import { usePermissions } from '@/lib/auth';

export default function TokensRoute() {
  const [created, setCreated] = useState<(ApiToken & { token: string }) | null>(null);
  const { canAdmin } = usePermissions();
  return (
    <>
      <title>API tokens · Certinel</title>
      <PageHeader title="API tokens" description="Credentials for scripts, exporters and agents. Each secret is shown once." />
      {created ? (
        <TokenCreatedPanel token={created} onDone={() => setCreated(null)} />
      ) : canAdmin ? (
        <CreateTokenForm onCreated={setCreated} />
      ) : (
        <section className="card" aria-label="New API token">
          <PermittedButton need="admin" doing="create API tokens" variant="primary">Create token</PermittedButton>
        </section>
      )}
      <TokensList />
    </>
  );
}

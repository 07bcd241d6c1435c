import { useState } from 'react';
import { PageHeader } from '@/components/ui/page-header';
import { CreateTokenForm } from '@/features/tokens/components/create-token-form';
import { TokenCreatedPanel } from '@/features/tokens/components/token-created-panel';
import { TokensList } from '@/features/tokens/components/tokens-list';
import type { ApiToken } from '@/features/tokens/types';

export default function TokensRoute() {
  const [created, setCreated] = useState<(ApiToken & { token: string }) | null>(null);
  return (
    <>
      <title>API tokens · Certinel</title>
      <PageHeader title="API tokens" description="Credentials for scripts, exporters and agents. Each secret is shown once." />
      {created ? <TokenCreatedPanel token={created} onDone={() => setCreated(null)} /> : <CreateTokenForm onCreated={setCreated} />}
      <TokensList />
    </>
  );
}

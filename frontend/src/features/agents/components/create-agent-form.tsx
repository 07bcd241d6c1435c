import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { isApiError } from '@/lib/api-client';
import { useCreateAgent, type CreatedAgent } from '../api/create-agent';

/** Creates the agent and its API token (scope agent) in one call; both secrets come back once. */
export function CreateAgentForm({ onCreated }: { onCreated: (a: CreatedAgent) => void }) {
  const [name, setName] = useState('');
  const [error, setError] = useState<string | undefined>();
  const create = useCreateAgent();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const n = name.trim();
    if (!n) return setError('Give the agent a name, e.g. the network it lives in');
    if (n.length > 100) return setError('At most 100 characters');
    setError(undefined);
    create.mutate(
      { name: n, create_api_key: true },
      {
        onSuccess: (a) => {
          setName('');
          onCreated(a);
        },
        onError: (err) => setError(isApiError(err) ? (err.fieldErrors()[0]?.message ?? err.message) : String(err)),
      },
    );
  };
  return (
    <form className="inline-form" onSubmit={submit} noValidate aria-label="Create an agent">
      <TextField label="Agent name" placeholder="office-lan, dc1-prod…" value={name} onChange={(e) => setName(e.target.value)} error={error} maxLength={100} />
      <Button type="submit" variant="primary" loading={create.isPending}>
        Create agent
      </Button>
    </form>
  );
}

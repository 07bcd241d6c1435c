export type TokenScope = 'read' | 'write' | 'agent';

export type ApiToken = {
  id: string;
  name: string;
  scope: TokenScope;
  prefix: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
  /** The secret: only in the creation answer. */
  token?: string;
};

export const SCOPES: { value: TokenScope; label: string; help: string }[] = [
  { value: 'read', label: 'Read', help: 'Read domains, agents and certificates (dashboards, exporters).' },
  { value: 'write', label: 'Write', help: 'Read and change domains and agents (automation, CI).' },
  { value: 'agent', label: 'Agent', help: 'Only the agent protocol: pull targets, push results.' },
];

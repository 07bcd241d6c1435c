export type ChannelType = 'email' | 'webhook';

export type EmailConfig = { recipients: string[] };
export type WebhookConfig = { url: string; secret?: string; format: 'json' | 'slack' };

export type Channel = {
  id: string;
  type: ChannelType | string;
  name: string;
  config: Partial<EmailConfig & WebhookConfig> & Record<string, unknown>;
  has_secret: boolean;
  digest: boolean;
  created_at: string;
  updated_at: string;
};

export type ChannelInput = {
  type?: string;
  name: string;
  /** Shaped by the type's description (ChannelTypeDescription.fields). */
  config: Record<string, unknown>;
  digest?: boolean;
};

/** A channel type as GET /channel-types describes it (notify.Description). */
export type ChannelTypeField = {
  name: string;
  label: string;
  kind: 'text' | 'url' | 'secret' | 'select' | 'textarea' | 'list' | 'number';
  required: boolean;
  options?: string[];
  default?: string;
  placeholder?: string;
  help?: string;
};

export type ChannelTypeDescription = { type: string; label: string; fields: ChannelTypeField[]; hosts?: string[]; unavailable?: string };

export type TestResult = { ok: boolean; error?: string; permanent?: boolean; duration_ms: number };

export const EVENT_TYPES = [
  { value: 'expiring', label: 'Expiring', hint: 'urgent by its lifetime, or days left crosses a threshold' },
  { value: 'expired', label: 'Expired', hint: 'the certificate is past its end date' },
  { value: 'changed', label: 'Changed', hint: 'a different certificate is served (always kept in the history)' },
  { value: 'unreachable', label: 'Unreachable', hint: 'checks fail in a row' },
  { value: 'invalid_chain', label: 'Invalid chain', hint: 'not trusted by public roots or your CA bundles, or revoked by its CA' },
  { value: 'hostname_mismatch', label: 'Host name mismatch', hint: 'the certificate does not cover the host' },
  { value: 'weak_crypto', label: 'Weak crypto', hint: 'weak key or signature' },
  { value: 'renewal_overdue', label: 'Renewal overdue', hint: 'its renewal window passed without a renewal' },
  { value: 'renewal_window_moved_earlier', label: 'CA asks for renewal', hint: "the CA moved its renewal window earlier, as before a revocation" },
  { value: 'agent_offline', label: 'Agent offline', hint: 'an agent stopped reporting' },
  { value: 'agent_certificate', label: 'Agent certificate', hint: "an agent's client certificate was not renewed in time, or expired" },
  { value: 'crl_health', label: 'CRL health', hint: 'a CRL your certificates need is near or past its next update, stopped updating or went backwards' },
  { value: 'stale_backend', label: 'Failed uptake', hint: 'a backend of a load-balanced name still serves an older certificate than another' },
  { value: 'resolved', label: 'Resolved', hint: 'a problem went away' },
] as const;

export const eventLabel = (t: string) => EVENT_TYPES.find((e) => e.value === t)?.label ?? (t === 'test' ? 'Test' : t);

export type RuleScope = { all: boolean; tags: string[]; agent_ids: string[] };

export type Severity = 'info' | 'warning' | 'critical';

/** Which of a rule's events one channel gets: urgent enough, and about a domain with one of the tags when any are named. */
export type RuleRoute = { channel_id: string; min_severity: Severity; tags: string[] };

export const SEVERITY_OPTIONS: { value: Severity; label: string }[] = [
  { value: 'info', label: 'Every event' },
  { value: 'warning', label: 'Warnings and critical' },
  { value: 'critical', label: 'Critical only' },
];

/** A route in a few words: "Pager (critical only; tagged prod)". */
export function routeLabel(channel: string, r: RuleRoute): string {
  const limits = [r.min_severity === 'info' ? '' : SEVERITY_OPTIONS.find((o) => o.value === r.min_severity)?.label.toLowerCase() ?? r.min_severity, r.tags.length ? `tagged ${r.tags.join(' or ')}` : ''].filter(Boolean);
  return limits.length ? `${channel} (${limits.join('; ')})` : channel;
}

export type Rule = {
  id: string;
  name: string;
  enabled: boolean;
  thresholds_days: number[];
  events: string[];
  /** The channels of the routes, kept for older clients. */
  channel_ids: string[];
  routes: RuleRoute[];
  scope: RuleScope;
  unreachable_after: number;
  remind_every_hours: number;
  created_at: string;
  updated_at: string;
};

export type RuleInput = Omit<Rule, 'id' | 'created_at' | 'updated_at' | 'channel_ids'>;

export type Attempt = { attempted_at: string; ok: boolean; error?: string; duration_ms: number };

export type Delivery = {
  channel_id: string;
  status: string;
  attempts: number;
  last_error?: string;
  next_attempt_at?: string;
  sent_at: string | null;
  attempt_log: Attempt[];
};

export type NotifyEvent = {
  id?: string;
  type?: string;
  resolves?: string;
  domain?: { id: string; host: string; port: number; protocol: string; url?: string };
  agent?: { id: string; name: string; last_seen_at?: string };
  /** The CRL a crl_health event is about. */
  revocation_source?: { kind: 'crl' | 'ocsp'; url: string; issuer?: string };
  threshold_days?: number;
  days_left?: number;
  not_after?: string;
  sha256?: string;
  old_sha256?: string;
  detail?: string;
  count?: number;
  reminder?: boolean;
  url?: string;
  occurred_at?: string;
};

export type AlertEvent = {
  id: string;
  type: string;
  state: 'open' | 'resolved' | 'info' | string;
  rule_id: string;
  domain_id: string | null;
  agent_id: string | null;
  opened_at: string;
  resolved_at: string | null;
  event: NotifyEvent;
  deliveries: Delivery[];
  rule_ids: string[];
  group_id: string | null;
  notified_at: string | null;
  acknowledged_at: string | null;
  acknowledged_by?: string;
  snoozed_until: string | null;
  snooze_until_change: boolean;
};

/** An agent's outage: one event standing for its endpoints that failed together. */
export const isOutage = (ev: AlertEvent) => ev.type === 'unreachable' && !ev.domain_id && !!ev.agent_id;

export type MaintenanceScopeType = 'domain' | 'tag' | 'agent';

export type MaintenanceInput = {
  name: string;
  scope: { type: MaintenanceScopeType; value: string };
  recurrence: 'once' | 'weekly';
  starts_at?: string;
  ends_at?: string;
  weekdays?: string[];
  start_time?: string;
  duration_minutes?: number;
  time_zone: string;
};

export type MaintenanceWindow = Required<Omit<MaintenanceInput, 'starts_at' | 'ends_at'>> & {
  id: string;
  starts_at: string | null;
  ends_at: string | null;
  active: boolean;
  active_until: string | null;
  created_at: string;
  updated_at: string;
};

export type AgentOption = { id: string; name: string };

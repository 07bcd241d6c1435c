import type { AuditEntry, AuditQuery } from '../api/members';

/**
 * The audit filters live in the URL as the user picked them: actor as
 * "type:id", and from/to as local calendar dates (to included). The API
 * takes instants, so a day means the user's own midnight to midnight.
 */
export type AuditUrlFilters = { actor: string; action: string; from: string; to: string };

const midnight = (date: string, addDays = 0) => {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(y ?? 0, (m ?? 1) - 1, (d ?? 1) + addDays).toISOString();
};

const isDate = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v);

export function toAuditQuery(f: AuditUrlFilters): AuditQuery {
  const q: AuditQuery = {};
  if (f.actor) {
    const at = f.actor.indexOf(':');
    q.actor_type = at < 0 ? f.actor : f.actor.slice(0, at);
    if (at >= 0 && f.actor.slice(at + 1)) q.actor_id = f.actor.slice(at + 1);
  }
  if (f.action) q.action = f.action;
  if (isDate(f.from)) q.from = midnight(f.from);
  if (isDate(f.to)) q.to = midnight(f.to, 1);
  return q;
}

const verbs: Record<string, string> = {
  create: 'created', delete: 'deleted', update: 'changed', revoke: 'revoked', accept: 'accepted', import: 'imported',
  adopt: 'adopted', ignore: 'ignored', upload: 'uploaded', role: 'role changed', signup: 'signed up', login: 'signed in',
  logout: 'signed out', token_rotate: 'token rotated', token_rotated: 'token rotated', token_issue: 'token issued',
  join_token_create: 'join token created', certificate_revoke: 'certificate revoked', enrollment_request: 'enrollment requested',
  enrollment_approve: 'enrollment approved', enrollment_reject: 'enrollment rejected',
};

const nouns: Record<string, string> = {
  account: 'Account', auth: 'Session', token: 'API token', agent: 'Agent', domain: 'Domain', alert_rule: 'Alert rule',
  channel: 'Channel', ca_bundle: 'CA bundle', acme_directory: 'ACME directory', discovery_job: 'Discovery job',
  discovered: 'Discovered endpoint', invitation: 'Invitation', member: 'Member', organization: 'Organization',
  maintenance_window: 'Maintenance window', revocation_source: 'Revocation list',
};

/** "domain.create" reads "Domain created"; an unknown action shows as is. */
export function actionLabel(action: string): string {
  const dot = action.indexOf('.');
  const noun = nouns[action.slice(0, dot)];
  const verb = verbs[action.slice(dot + 1)];
  return dot > 0 && noun && verb ? `${noun} ${verb}` : action;
}

/** What an entry changed, by name: its current name, else the name it had, else its ID. */
export function targetLabel(e: AuditEntry): string {
  if (e.target_name) return e.target_name;
  const d = e.details;
  if (d && typeof d === 'object' && 'name' in d && typeof d.name === 'string' && d.name) return d.name;
  return e.target_id;
}

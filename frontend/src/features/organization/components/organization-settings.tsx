import { useState, type FormEvent, type ReactNode } from 'react';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { Notice } from '@/components/ui/notice';
import { Spinner } from '@/components/ui/spinner';
import { isApiError } from '@/lib/api-client';
import { useOrganization, useUpdateOrganization, type Organization, type OrganizationPatch, type PolicyPatch } from '../api/organization';

type NumberKey = 'expiring_threshold_days' | 'min_rsa_bits' | 'min_ec_bits' | 'max_validity_days';
type PolicyKey = 'min_rsa_bits' | 'min_ec_bits' | 'max_validity_days' | 'renew_after_fraction';

/** One plain sentence per setting, shown to editors as a hint and to readers next to the value. */
export const explain = {
  name: 'Shown in the dashboard next to your account.',
  expiring_threshold_days:
    'Optional floor: a certificate past its renewal window with this many days left or fewer is marked Expiring, whatever its lifetime. 0 leaves it to the lifetime (urgent in its last sixth).',
  min_rsa_bits: 'RSA keys shorter than this are flagged as weak crypto; 0 turns the check off.',
  min_ec_bits: 'Elliptic-curve keys smaller than this are flagged as weak crypto; 0 turns the check off.',
  allow_sha1: 'When off, certificates signed with SHA-1 are flagged as weak crypto.',
  max_validity_days: 'Leaf certificates issued for longer than this many days are flagged; 0 means no limit.',
  require_agent_mtls:
    'Agents must authenticate with a client certificate (enrolled with a join token). Agents that use their tokens alone are refused until they enroll. Turn it on only when client certificates reach the server: it serves HTTPS itself, or its proxy relays them.',
  renew_after_fraction:
    "Renewal is expected once this share of a certificate's lifetime has passed (0.66 is two thirds); 0 follows the lifetime, as ACME clients do: half under 10 days, else two thirds. A domain can set its own.",
  require_enrollment_approval:
    "An agent enrolling with a join token gets its client certificate only once an admin approves it on the Agents page, after comparing the key fingerprint the agent printed. Unapproved enrollments expire after 24 hours.",
} as const;

const labels = {
  name: 'Organization name',
  expiring_threshold_days: 'Expiring threshold (days)',
  min_rsa_bits: 'Minimum RSA key size (bits)',
  min_ec_bits: 'Minimum EC key size (bits)',
  allow_sha1: 'Accept SHA-1 signatures',
  max_validity_days: 'Maximum validity (days)',
  renew_after_fraction: 'Renew after (fraction of lifetime)',
  require_agent_mtls: 'Require client certificates for all agents',
  require_enrollment_approval: 'Require approval of agent enrollments',
} as const;

const NEXT_CHECK =
  "A changed policy applies from each domain's next check; until then domains keep their current verdicts. The expiring threshold applies at once, to statuses and days-left colours.";

type Values = {
  name: string;
  expiring_threshold_days: string;
  min_rsa_bits: string;
  min_ec_bits: string;
  max_validity_days: string;
  renew_after_fraction: string;
  allow_sha1: boolean;
  require_agent_mtls: boolean;
  require_enrollment_approval: boolean;
};

type ErrorKey = 'name' | 'expiring_threshold_days' | `policy.${PolicyKey}` | 'policy' | 'root';
type Errors = Partial<Record<ErrorKey, string>>;

const formatFraction = (f: number) => String(Number(f.toFixed(4)));

function valuesOf(o: Organization): Values {
  return {
    name: o.name,
    expiring_threshold_days: String(o.expiring_threshold_days),
    min_rsa_bits: String(o.policy.min_rsa_bits),
    min_ec_bits: String(o.policy.min_ec_bits),
    max_validity_days: String(o.policy.max_validity_days),
    renew_after_fraction: formatFraction(o.policy.renew_after_fraction),
    allow_sha1: o.policy.allow_sha1,
    require_agent_mtls: o.require_agent_mtls,
    require_enrollment_approval: o.require_enrollment_approval,
  };
}

// The server's ranges, checked here first so that most mistakes need no round trip.
const ranges: Record<NumberKey, { min: number; max: number; message: string }> = {
  expiring_threshold_days: { min: 0, max: 365, message: 'Whole days from 0 (none) to 365' },
  min_rsa_bits: { min: 0, max: 16384, message: 'A whole number from 0 (no minimum) to 16384' },
  min_ec_bits: { min: 0, max: 521, message: 'A whole number from 0 (no minimum) to 521' },
  max_validity_days: { min: 0, max: 3650, message: 'Whole days from 0 (no limit) to 3650' },
};

const errorKey = (k: NumberKey | 'renew_after_fraction'): ErrorKey => (k === 'expiring_threshold_days' ? k : `policy.${k}`);
const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Builds the PATCH body from what changed, or the errors that stop it. */
function toPatch(v: Values, initial: Values): { patch: OrganizationPatch; errors: Errors } {
  const errors: Errors = {};
  const patch: OrganizationPatch = {};
  const policy: PolicyPatch = {};

  const name = v.name.trim();
  if (name.length < 1 || name.length > 100) errors.name = 'Enter a name of 1 to 100 characters';
  else if (name !== initial.name) patch.name = name;

  for (const k of Object.keys(ranges) as NumberKey[]) {
    const raw = v[k].trim();
    const n = Number(raw);
    const r = ranges[k];
    if (raw === '' || !Number.isInteger(n) || n < r.min || n > r.max) {
      errors[errorKey(k)] = r.message;
      continue;
    }
    if (raw === initial[k]) continue;
    if (k === 'expiring_threshold_days') patch.expiring_threshold_days = n;
    else policy[k] = n;
  }

  const rawFraction = v.renew_after_fraction.trim().replace(',', '.');
  const f = Number(rawFraction);
  if (rawFraction === '' || !Number.isFinite(f) || f < 0 || f >= 1) {
    errors['policy.renew_after_fraction'] = 'A fraction from 0 (by lifetime) up to, but below, 1, e.g. 0.66';
  } else if (rawFraction !== initial.renew_after_fraction) {
    policy.renew_after_fraction = f;
  }

  if (v.allow_sha1 !== initial.allow_sha1) policy.allow_sha1 = v.allow_sha1;
  if (v.require_agent_mtls !== initial.require_agent_mtls) patch.require_agent_mtls = v.require_agent_mtls;
  if (v.require_enrollment_approval !== initial.require_enrollment_approval) patch.require_enrollment_approval = v.require_enrollment_approval;
  if (Object.keys(policy).length > 0) patch.policy = policy;
  return { patch, errors };
}

/** The organization's settings: a form for owners, the values with a note for everyone else. */
export function OrganizationSettings({ canEdit }: { canEdit: boolean }) {
  const org = useOrganization();
  if (org.isPending) return <Spinner label="Loading the organization" />;
  if (org.isError) return <Notice tone="error" title="Could not load the organization's settings.">{org.error.message}</Notice>;
  return canEdit ? <OrganizationForm organization={org.data} /> : <OrganizationView organization={org.data} />;
}

export function OrganizationForm({ organization }: { organization: Organization }) {
  const update = useUpdateOrganization();
  const initial = valuesOf(organization);
  const [values, setValues] = useState<Values>(initial);
  const [errors, setErrors] = useState<Errors>({});
  const [saved, setSaved] = useState<'saved' | 'unchanged' | null>(null);

  const set = <K extends keyof Values>(key: K, value: Values[K]) => {
    setValues((v) => ({ ...v, [key]: value }));
    setSaved(null);
    // A field's error goes once the field changes.
    const ek: ErrorKey = key === 'name' || key === 'expiring_threshold_days' ? key : `policy.${key as PolicyKey}`;
    setErrors((e) => (e[ek] ? { ...e, [ek]: undefined } : e));
  };

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(null);
    const { patch, errors: found } = toPatch(values, initial);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    if (Object.keys(patch).length === 0) {
      setSaved('unchanged');
      return;
    }
    try {
      const updated = await update.mutateAsync(patch);
      setValues(valuesOf(updated));
      setSaved('saved');
    } catch (err) {
      const next: Errors = {};
      const known: ErrorKey[] = ['name', 'expiring_threshold_days', 'policy', 'policy.min_rsa_bits', 'policy.min_ec_bits', 'policy.max_validity_days', 'policy.renew_after_fraction'];
      if (isApiError(err)) {
        for (const fe of err.fieldErrors()) {
          const k = known.find((x) => x === fe.field);
          if (k) next[k] ??= capitalize(fe.message);
        }
      }
      if (Object.keys(next).length === 0) next.root = err instanceof Error ? err.message : String(err);
      setErrors(next);
    }
  };

  const numberField = (key: NumberKey, extra: { min: number; max: number }) => (
    <TextField
      className="span-2"
      label={labels[key]}
      type="number"
      inputMode="numeric"
      step={1}
      min={extra.min}
      max={extra.max}
      value={values[key]}
      onChange={(e) => set(key, e.target.value)}
      error={errors[errorKey(key)]}
      hint={explain[key]}
    />
  );

  const checkboxField = (key: 'allow_sha1' | 'require_agent_mtls' | 'require_enrollment_approval', className?: string) => (
    <div className={`field checkbox-field${className ? ` ${className}` : ''}`}>
      <label>
        <input type="checkbox" checked={values[key]} onChange={(e) => set(key, e.target.checked)} aria-describedby={`org-${key}-hint`} />
        {labels[key]}
      </label>
      <p className="field-hint" id={`org-${key}-hint`}>{explain[key]}</p>
    </div>
  );

  return (
    <form onSubmit={onSubmit} noValidate className="form" aria-label="Organization settings">
      <section className="card" aria-labelledby="org-general-h">
        <h2 id="org-general-h" className="section-title">General</h2>
        <div className="form-grid">
          <TextField
            className="span-2"
            label={labels.name}
            value={values.name}
            onChange={(e) => set('name', e.target.value)}
            error={errors.name}
            hint={explain.name}
            autoComplete="organization"
            maxLength={100}
          />
          {numberField('expiring_threshold_days', ranges.expiring_threshold_days)}
        </div>
      </section>

      <section className="card" aria-labelledby="org-policy-h">
        <h2 id="org-policy-h" className="section-title">Certificate policy</h2>
        <p className="muted">{NEXT_CHECK}</p>
        {errors.policy ? <Notice tone="error">{errors.policy}</Notice> : null}
        <div className="form-grid">
          {numberField('min_rsa_bits', ranges.min_rsa_bits)}
          {numberField('min_ec_bits', ranges.min_ec_bits)}
          {numberField('max_validity_days', ranges.max_validity_days)}
          <TextField
            className="span-2"
            label={labels.renew_after_fraction}
            inputMode="decimal"
            value={values.renew_after_fraction}
            onChange={(e) => set('renew_after_fraction', e.target.value)}
            error={errors['policy.renew_after_fraction']}
            hint={explain.renew_after_fraction}
            autoComplete="off"
          />
          {checkboxField('allow_sha1', 'span-2')}
        </div>
      </section>

      <section className="card" aria-labelledby="org-agents-h">
        <h2 id="org-agents-h" className="section-title">Agents</h2>
        {checkboxField('require_agent_mtls')}
        {values.require_agent_mtls && !initial.require_agent_mtls ? (
          <Notice tone="warning" title="Token-only agents will be refused.">
            Every agent without a client certificate stops reporting once you save. Check the Authentication column on the Agents page first.
          </Notice>
        ) : null}
        {checkboxField('require_enrollment_approval')}
      </section>

      {errors.root ? <Notice tone="error">{errors.root}</Notice> : null}
      {saved === 'saved' ? <Notice tone="success" title="Settings saved.">{NEXT_CHECK}</Notice> : null}
      {saved === 'unchanged' ? <Notice>Nothing changed, so nothing was sent.</Notice> : null}
      <div className="form-actions">
        <Button
          onClick={() => {
            setValues(initial);
            setErrors({});
            setSaved(null);
          }}
          disabled={update.isPending}
        >
          Reset
        </Button>
        <Button type="submit" variant="primary" loading={update.isPending}>Save settings</Button>
      </div>
    </form>
  );
}

function Fact({ label, value, hint }: { label: string; value: ReactNode; hint: string }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>
        <strong>{value}</strong>
        <p className="field-hint">{hint}</p>
      </dd>
    </div>
  );
}

const bitsOrOff = (n: number) => (n === 0 ? 'no minimum' : `${n} bits`);

/** What non-owners see: every value with its explanation, nothing to press. */
export function OrganizationView({ organization: o }: { organization: Organization }) {
  const p = o.policy;
  return (
    <>
      <Notice title="Read only">Only owners can change the organization's settings.</Notice>
      <section className="card" aria-labelledby="org-general-h">
        <h2 id="org-general-h" className="section-title">General</h2>
        <dl className="facts facts-wide">
          <Fact label={labels.name} value={o.name} hint={explain.name} />
          <Fact label={labels.expiring_threshold_days} value={o.expiring_threshold_days > 0 ? `${o.expiring_threshold_days} days` : 'none (by lifetime)'} hint={explain.expiring_threshold_days} />
        </dl>
      </section>
      <section className="card" aria-labelledby="org-policy-h">
        <h2 id="org-policy-h" className="section-title">Certificate policy</h2>
        <p className="muted">{NEXT_CHECK}</p>
        <dl className="facts facts-wide">
          <Fact label={labels.min_rsa_bits} value={bitsOrOff(p.min_rsa_bits)} hint={explain.min_rsa_bits} />
          <Fact label={labels.min_ec_bits} value={bitsOrOff(p.min_ec_bits)} hint={explain.min_ec_bits} />
          <Fact label={labels.max_validity_days} value={p.max_validity_days === 0 ? 'no limit' : `${p.max_validity_days} days`} hint={explain.max_validity_days} />
          <Fact
            label={labels.renew_after_fraction}
            value={p.renew_after_fraction > 0 && p.renew_after_fraction < 1 ? formatFraction(p.renew_after_fraction) : 'by lifetime'}
            hint={explain.renew_after_fraction}
          />
          <Fact label={labels.allow_sha1} value={p.allow_sha1 ? 'yes' : 'no'} hint={explain.allow_sha1} />
        </dl>
      </section>
      <section className="card" aria-labelledby="org-agents-h">
        <h2 id="org-agents-h" className="section-title">Agents</h2>
        <dl className="facts facts-wide">
          <Fact label={labels.require_agent_mtls} value={o.require_agent_mtls ? 'yes' : 'no'} hint={explain.require_agent_mtls} />
          <Fact label={labels.require_enrollment_approval} value={o.require_enrollment_approval ? 'yes' : 'no'} hint={explain.require_enrollment_approval} />
        </dl>
      </section>
    </>
  );
}

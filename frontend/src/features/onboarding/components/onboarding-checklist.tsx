import { useState } from 'react';
import { Link } from 'react-router';
import { useSession } from '@/lib/auth';
import { useOnboarding, type OnboardingState } from '../api/onboarding';

const steps: { key: keyof OnboardingState; title: string; hint: string; to: string; action: string }[] = [
  { key: 'agent', title: 'Create an agent', hint: 'It runs inside your network and checks the endpoints the internet cannot reach.', to: '/agents', action: 'Create an agent' },
  { key: 'domain', title: 'Add domains', hint: 'Hosts or IP addresses with their port; import a CSV for many at once.', to: '/domains?add=1', action: 'Add a domain' },
  { key: 'alerting', title: 'Set up alerts', hint: 'New organizations mail the owner; add a channel (email, webhook) or adjust the default rule.', to: '/alerts', action: 'Set up alerts' },
  { key: 'colleague', title: 'Invite a colleague', hint: 'So that someone else hears about an expiring certificate too.', to: '/members', action: 'Invite a colleague' },
];

// Dismissal is remembered per browser and organization: it only hides a
// reminder, so it need not follow the user to another device.
const dismissKey = (orgId: string) => `certinel.onboarding.dismissed.${orgId}`;

/**
 * The first steps of a new organization, each ticked when its data exists.
 * Hidden once every step is done, or when dismissed in this browser.
 */
export function OnboardingChecklist() {
  const q = useOnboarding();
  const orgId = useSession().data?.organization.id ?? '';
  const [hidden, setHidden] = useState(false);
  // Read at each render: the session may arrive after the first one.
  if (!q.data || !orgId || hidden || localStorage.getItem(dismissKey(orgId)) === '1') return null;
  const done = steps.filter((s) => q.data[s.key]).length;
  if (done === steps.length) return null;
  const dismiss = () => {
    localStorage.setItem(dismissKey(orgId), '1');
    setHidden(true);
  };
  return (
    <section className="card onboarding" aria-labelledby="onboarding-h">
      <div className="card-head">
        <h2 id="onboarding-h" className="section-title">Get started</h2>
        <span className="muted small" aria-live="polite">{done} of {steps.length} done</span>
      </div>
      <ol className="plain-list onboarding-steps">
        {steps.map((s) => {
          const ok = q.data[s.key];
          return (
            <li key={s.key} className={`onboarding-step${ok ? ' onboarding-done' : ''}`} data-step={s.key}>
              <span className="onboarding-tick" aria-hidden="true">{ok ? '✓' : ''}</span>
              <div className="grow">
                <strong>{s.title}</strong>
                <span className="sr-only">{ok ? ' (done)' : ' (to do)'}</span>
                <div className="muted small">{s.hint}</div>
              </div>
              {ok ? <span className="muted small">Done</span> : <Link to={s.to} className="btn btn-secondary btn-sm">{s.action}</Link>}
            </li>
          );
        })}
      </ol>
      <button type="button" className="btn btn-ghost btn-sm" onClick={dismiss}>Hide this checklist</button>
    </section>
  );
}

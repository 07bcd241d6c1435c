import type { ReactNode } from 'react';
import { NavLink } from 'react-router';

export type NavItem = { to: string; label: string; icon: ReactNode; end?: boolean };

type Props = {
  nav: NavItem[];
  organization: string;
  email: string;
  onSignOut: () => void;
  signingOut?: boolean;
  children: ReactNode;
};

export function AppShell({ nav, organization, email, onSignOut, signingOut, children }: Props) {
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <aside className="sidebar">
        <div className="brand">
          <Logo />
          <span>Certinel</span>
        </div>
        <div className="org" title={organization}>
          <span className="org-label">Organization</span>
          <span className="org-name">{organization}</span>
        </div>
        <nav aria-label="Main">
          <ul className="nav-list">
            {nav.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} end={item.end} className={({ isActive }) => `nav-link${isActive ? ' active' : ''}`}>
                  <span className="nav-icon" aria-hidden="true">
                    {item.icon}
                  </span>
                  {item.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="sidebar-foot">
          <span className="sidebar-email" title={email}>
            {email}
          </span>
          <button type="button" className="link-button" onClick={onSignOut} disabled={signingOut}>
            Sign out
          </button>
        </div>
      </aside>
      <main id="main" className="content" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}

export function Logo({ size = 24 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true">
      <rect width="32" height="32" rx="7" fill="#4f46e5" />
      <path d="M9 16.5l4.5 4.5L23 11.5" stroke="white" strokeWidth="3" fill="none" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

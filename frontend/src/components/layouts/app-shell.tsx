import { useEffect, useRef, useState, type ReactNode } from 'react';
import { NavLink } from 'react-router';
import { useFocusTrap } from '@/components/ui/focus-trap';
import { icons } from './icons';
import { ThemeToggle } from './theme-toggle';

export type NavItem = { to: string; label: string; icon: ReactNode; end?: boolean };

type Props = {
  nav: NavItem[];
  organization: string;
  email: string;
  onSignOut: () => void;
  signingOut?: boolean;
  children: ReactNode;
};

// Below this width the sidebar is a drawer behind the menu button (the same figure as in index.css).
const narrowQuery = '(max-width: 900px)';

export function AppShell({ nav, organization, email, onSignOut, signingOut, children }: Props) {
  const [menuOpen, setMenuOpen] = useState(false);
  const frameRef = useRef<HTMLDivElement>(null);
  const sidebarRef = useRef<HTMLElement>(null);
  const close = () => setMenuOpen(false);
  // The open drawer holds the focus like a dialog, with the menu button (now a close button) in the loop;
  // Escape or a link closes it, and the focus goes back to the menu button.
  useFocusTrap(frameRef, menuOpen, { initialFocus: sidebarRef, onEscape: close });
  useEffect(() => {
    // Widening the window past the breakpoint shows the sidebar for good: the drawer is closed, the trap released.
    if (typeof window.matchMedia !== 'function') return;
    const mq = window.matchMedia(narrowQuery);
    const onChange = () => !mq.matches && setMenuOpen(false);
    mq.addEventListener('change', onChange);
    return () => mq.removeEventListener('change', onChange);
  }, []);
  return (
    <div className="shell" data-menu={menuOpen ? 'open' : 'closed'}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      {menuOpen ? <div className="menu-backdrop" aria-hidden="true" onClick={close} /> : null}
      <div className="nav-frame" ref={frameRef}>
        <aside id="sidebar" className="sidebar" ref={sidebarRef} tabIndex={-1} aria-label="Sidebar">
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
                  <NavLink to={item.to} end={item.end} onClick={close} className={({ isActive }) => `nav-link${isActive ? ' active' : ''}`}>
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
            <ThemeToggle className="theme-toggle-sidebar" />
            <span className="sidebar-email" title={email}>
              {email}
            </span>
            <button type="button" className="link-button" onClick={onSignOut} disabled={signingOut}>
              Sign out
            </button>
          </div>
        </aside>
        {/* After the sidebar in the document, so that on a wide screen (bar hidden) the sidebar's texts come first. */}
        <header className="topbar">
          <button
            type="button"
            className="menu-button"
            aria-expanded={menuOpen}
            aria-controls="sidebar"
            aria-label="Menu"
            onClick={() => setMenuOpen((v) => !v)}
          >
            {menuOpen ? icons.close : icons.menu}
          </button>
          <span className="topbar-brand">
            <Logo />
            <span>Certinel</span>
          </span>
          <span className="topbar-org" title={organization}>
            {organization}
          </span>
        </header>
      </div>
      <main id="main" className="content" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}

export function Logo({ size = 24 }: { size?: number }) {
  return (
    <svg className="logo" width={size} height={size} viewBox="0 0 32 32" aria-hidden="true">
      <rect className="logo-tile" width="32" height="32" rx="7" />
      <path className="logo-mark" d="M9 16.5l4.5 4.5L23 11.5" strokeWidth="3" fill="none" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

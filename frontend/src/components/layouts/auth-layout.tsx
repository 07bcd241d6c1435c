import type { ReactNode } from 'react';
import { Logo } from './app-shell';
import { ThemeToggle } from './theme-toggle';

export function AuthLayout({ title, subtitle, children, footer }: { title: string; subtitle?: ReactNode; children: ReactNode; footer?: ReactNode }) {
  return (
    <div className="auth-page">
      <main className="auth-card" id="main">
        <div className="auth-brand">
          <Logo size={32} />
          <span>Certinel</span>
        </div>
        <h1 className="auth-title">{title}</h1>
        {subtitle ? <p className="auth-subtitle">{subtitle}</p> : null}
        {children}
        {footer ? <div className="auth-footer">{footer}</div> : null}
      </main>
      <p className="auth-tagline">Certificate expiry monitoring for public and private networks.</p>
      <ThemeToggle className="theme-toggle-auth" />
    </div>
  );
}

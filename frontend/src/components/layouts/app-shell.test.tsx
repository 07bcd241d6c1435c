import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import { AppShell } from './app-shell';
import { icons } from './icons';

function renderShell() {
  const nav = [
    { to: '/', label: 'Overview', icon: icons.overview, end: true },
    { to: '/domains', label: 'Domains', icon: icons.domains },
  ];
  return render(
    <MemoryRouter>
      <AppShell nav={nav} organization="Acme" email="a@example.com" onSignOut={() => {}}>
        <p>page</p>
      </AppShell>
    </MemoryRouter>,
  );
}

describe('AppShell menu button', () => {
  it('opens the drawer with the focus inside, keeps Tab between it and the button, and Escape closes it back onto the button', async () => {
    const user = userEvent.setup();
    const { container } = renderShell();
    const menu = screen.getByRole('button', { name: 'Menu' });
    const sidebar = container.querySelector<HTMLElement>('#sidebar')!;
    expect(menu).toHaveAttribute('aria-expanded', 'false');
    expect(menu).toHaveAttribute('aria-controls', 'sidebar');
    await user.click(menu);
    expect(menu).toHaveAttribute('aria-expanded', 'true');
    expect(sidebar).toContainElement(document.activeElement as HTMLElement);
    const visited = new Set<Element | null>();
    for (let i = 0; i < 8; i++) {
      await user.tab();
      visited.add(document.activeElement);
      expect(sidebar.contains(document.activeElement) || document.activeElement === menu).toBe(true);
    }
    expect(visited).toContain(menu); // the close button is in the loop
    await user.keyboard('{Escape}');
    expect(menu).toHaveAttribute('aria-expanded', 'false');
    expect(menu).toHaveFocus();
  });

  it('closes when a page is chosen', async () => {
    const user = userEvent.setup();
    renderShell();
    const menu = screen.getByRole('button', { name: 'Menu' });
    await user.click(menu);
    await user.click(screen.getByRole('link', { name: 'Domains' }));
    expect(menu).toHaveAttribute('aria-expanded', 'false');
  });
});

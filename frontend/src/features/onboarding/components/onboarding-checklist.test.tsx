import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch, renderWithProviders } from '@/testing/render';
import { OnboardingChecklist } from './onboarding-checklist';

afterEach(() => {
  vi.unstubAllGlobals();
  localStorage.clear();
});

const session = { user: { id: 'u1', email: 'a@example.com' }, organization: { id: 'org1', name: 'A' }, role: 'owner', csrf_token: 't' };

function serve(state: Record<string, boolean>) {
  return mockFetch((r) => (r.url.pathname === '/api/v1/me' ? { status: 200, body: session } : { status: 200, body: state }));
}

describe('OnboardingChecklist', () => {
  it('ticks the steps taken and links the others to their pages', async () => {
    serve({ agent: true, domain: false, alerting: false, colleague: true });
    renderWithProviders(<OnboardingChecklist />);
    expect(await screen.findByText('2 of 4 done')).toBeInTheDocument();
    const agent = screen.getByText('Create an agent').closest('li')!;
    expect(agent).toHaveClass('onboarding-done');
    expect(within(agent).queryByRole('link')).toBeNull();
    expect(screen.getByRole('link', { name: 'Add a domain' })).toHaveAttribute('href', '/domains?add=1');
    expect(screen.getByRole('link', { name: 'Set up alerts' })).toHaveAttribute('href', '/alerts');
  });

  it('is gone once every step is done', async () => {
    const calls = serve({ agent: true, domain: true, alerting: true, colleague: true });
    const { container } = renderWithProviders(<OnboardingChecklist />);
    await vi.waitFor(() => expect(calls.some((c) => c.url.pathname === '/api/v1/onboarding')).toBe(true));
    await new Promise((r) => setTimeout(r, 0));
    expect(container).toBeEmptyDOMElement();
  });

  it('stays hidden in this browser once dismissed', async () => {
    serve({ agent: false, domain: false, alerting: false, colleague: false });
    const first = renderWithProviders(<OnboardingChecklist />);
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Hide this checklist' }));
    expect(screen.queryByText('Get started')).toBeNull();
    first.unmount();
    renderWithProviders(<OnboardingChecklist />);
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.queryByText('Get started')).toBeNull();
  });
});

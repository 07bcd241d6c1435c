import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { themeStorageKey } from '@/lib/theme';
import { ThemeToggle } from './theme-toggle';

// jsdom has no matchMedia: a system preference the test can change, as a browser's settings would.
class SystemPreference extends EventTarget {
  matches = false;
  media = '(prefers-color-scheme: dark)';
  set(dark: boolean) {
    this.matches = dark;
    this.dispatchEvent(new Event('change'));
  }
}

let system: SystemPreference;
beforeEach(() => {
  system = new SystemPreference();
  window.matchMedia = ((query: string) => (query === system.media ? system : new SystemPreference())) as unknown as typeof window.matchMedia;
  localStorage.clear();
  delete document.documentElement.dataset.theme;
});
afterEach(() => {
  // @ts-expect-error jsdom had none before the test
  delete window.matchMedia;
});

const theme = () => document.documentElement.dataset.theme;

describe('ThemeToggle', () => {
  it('follows the system by default, live', () => {
    render(<ThemeToggle />);
    expect(screen.getByRole('radio', { name: 'System' })).toBeChecked();
    expect(theme()).toBe('light');
    system.set(true);
    expect(theme()).toBe('dark');
    system.set(false);
    expect(theme()).toBe('light');
  });

  it('applies a choice at once and remembers it across a reload', async () => {
    const user = userEvent.setup();
    const first = render(<ThemeToggle />);
    await user.click(screen.getByRole('radio', { name: 'Dark' }));
    expect(theme()).toBe('dark');
    expect(localStorage.getItem(themeStorageKey)).toBe('dark');
    system.set(false); // a fixed choice ignores the system
    expect(theme()).toBe('dark');
    first.unmount();
    delete document.documentElement.dataset.theme;

    render(<ThemeToggle />);
    expect(screen.getByRole('radio', { name: 'Dark' })).toBeChecked();
    expect(theme()).toBe('dark');
    await user.click(screen.getByRole('radio', { name: 'Light' }));
    expect(theme()).toBe('light');
    await user.click(screen.getByRole('radio', { name: 'System' }));
    expect(localStorage.getItem(themeStorageKey)).toBeNull();
    system.set(true);
    expect(theme()).toBe('dark');
  });

  it('is one labelled group of radios', () => {
    render(<ThemeToggle />);
    const group = screen.getByRole('group', { name: 'Theme' });
    expect(group.querySelectorAll('input[type="radio"]')).toHaveLength(3);
  });
});

import { useEffect, useState } from 'react';

/** What the user picked: follow the system, or always light or dark. */
export type ThemeChoice = 'system' | 'light' | 'dark';
export type Scheme = 'light' | 'dark';

// public/theme.js reads this key too, to paint the first frame in the right scheme.
export const themeStorageKey = 'certinel-theme';
const darkQuery = '(prefers-color-scheme: dark)';

export function storedThemeChoice(): ThemeChoice {
  try {
    const v = localStorage.getItem(themeStorageKey);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system'; // storage may be blocked; the system's preference is the safe default
  }
}

function systemQuery(): MediaQueryList | null {
  return typeof window.matchMedia === 'function' ? window.matchMedia(darkQuery) : null;
}

export function resolveScheme(choice: ThemeChoice): Scheme {
  if (choice !== 'system') return choice;
  return systemQuery()?.matches ? 'dark' : 'light';
}

/** The chosen theme, remembered in localStorage and applied to <html data-theme>; "system" follows changes live. */
export function useTheme(): [ThemeChoice, (choice: ThemeChoice) => void] {
  const [choice, setChoice] = useState<ThemeChoice>(storedThemeChoice);
  useEffect(() => {
    const apply = () => {
      document.documentElement.dataset.theme = resolveScheme(choice);
    };
    apply();
    if (choice !== 'system') return;
    const mq = systemQuery();
    mq?.addEventListener('change', apply);
    return () => mq?.removeEventListener('change', apply);
  }, [choice]);
  const choose = (next: ThemeChoice) => {
    try {
      if (next === 'system') localStorage.removeItem(themeStorageKey);
      else localStorage.setItem(themeStorageKey, next);
    } catch {
      /* not remembered, still applied for this page */
    }
    setChoice(next);
  };
  return [choice, choose];
}

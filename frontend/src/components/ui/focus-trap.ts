import { useEffect, useRef, type RefObject } from 'react';

const focusable = [
  'a[href]',
  'button:not([disabled])',
  'input:not([disabled]):not([type="hidden"])',
  'select:not([disabled])',
  'textarea:not([disabled])',
  '[tabindex]:not([tabindex="-1"])',
].join(',');

/** The elements Tab stops at inside box, in document order. A radio group is one stop: its checked radio, or its first. */
function tabStops(box: HTMLElement): HTMLElement[] {
  const seen = new Set<string>();
  return Array.from(box.querySelectorAll<HTMLElement>(focusable)).filter((el) => {
    if (el.closest('[hidden], [inert]')) return false;
    if (!(el instanceof HTMLInputElement && el.type === 'radio' && el.name)) return true;
    const group = Array.from(box.querySelectorAll<HTMLInputElement>('input[type="radio"]')).filter((r) => r.name === el.name);
    const stop = group.find((r) => r.checked) ?? group[0];
    if (el !== stop || seen.has(el.name)) return false;
    seen.add(el.name);
    return true;
  });
}

type Options = {
  /** Focused when the trap starts; the box itself otherwise (give it tabIndex={-1}). */
  initialFocus?: RefObject<HTMLElement | null>;
  /** Escape calls it. */
  onEscape: () => void;
};

/**
 * While active, keeps keyboard focus inside box: focus moves in, Tab and
 * Shift+Tab wrap around at the ends, Escape calls onEscape, and when the trap
 * ends focus returns to the element that had it before (the opener).
 */
export function useFocusTrap(box: RefObject<HTMLElement | null>, active: boolean, { initialFocus, onEscape }: Options) {
  // The latest onEscape without restarting the trap (and moving focus) on every render.
  const escape = useRef(onEscape);
  useEffect(() => {
    escape.current = onEscape;
  });
  useEffect(() => {
    if (!active) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    (initialFocus?.current ?? box.current)?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        escape.current();
        return;
      }
      if (e.key !== 'Tab' || !box.current) return;
      const stops = tabStops(box.current);
      const first = stops[0];
      const last = stops[stops.length - 1];
      if (!first || !last) {
        e.preventDefault(); // nothing to tab to inside: focus stays put
        return;
      }
      // From the last stop, or from anything that is not a stop (the box itself, the page), Tab goes to the first;
      // from the first or a non-stop, Shift+Tab goes to the last. Between stops the browser moves as usual.
      const at = stops.indexOf(document.activeElement as HTMLElement);
      if (e.shiftKey && at <= 0) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && (at === -1 || at === stops.length - 1)) {
        e.preventDefault();
        first.focus();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      if (opener?.isConnected) opener.focus();
    };
  }, [active, box, initialFocus]);
}

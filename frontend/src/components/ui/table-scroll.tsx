import { useEffect, useRef, useState, type ReactNode } from 'react';

/**
 * Wraps a table that may be wider than the screen (phones): the table scrolls
 * sideways inside it instead of widening the page. While it does scroll, the
 * wrapper is a labelled region in the tab order, so keyboard users can scroll
 * it too (WCAG 2.1.1; axe's scrollable-region-focusable).
 */
export function TableScroll({ label = 'Table, scrolls sideways', children }: { label?: string; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrolls, setScrolls] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const measure = () => setScrolls(el.scrollWidth > el.clientWidth + 1);
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    if (el.firstElementChild) observer.observe(el.firstElementChild);
    return () => observer.disconnect();
  }, []);
  return (
    <div ref={ref} className="table-wrap" {...(scrolls ? { role: 'region', 'aria-label': label, tabIndex: 0 } : {})}>
      {children}
    </div>
  );
}

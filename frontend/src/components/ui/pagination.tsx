import { Button } from './button';

type Props = {
  page: number;
  perPage: number;
  total: number;
  onPage: (page: number) => void;
  noun?: string;
  /** The total is the server's estimate (very large lists): said as "about". */
  estimated?: boolean;
  /** Whether a page follows, when the server says so (next_cursor). */
  hasNext?: boolean;
  /** How many items this page holds, when known. */
  shown?: number;
};

export function Pagination({ page, perPage, total, onPage, noun = 'items', estimated = false, hasNext, shown }: Props) {
  const pages = Math.max(1, Math.ceil(total / perPage));
  const from = total === 0 ? 0 : (page - 1) * perPage + 1;
  const to = shown !== undefined ? (page - 1) * perPage + shown : Math.min(total, page * perPage);
  const about = estimated ? 'about ' : '';
  const lastPage = hasNext === undefined ? page >= pages : !hasNext;
  return (
    <nav className="pagination" aria-label="Pagination">
      <span className="muted">
        {from.toLocaleString('en-US')}–{to.toLocaleString('en-US')} of {about}
        {total.toLocaleString('en-US')} {noun}
      </span>
      <div className="pagination-buttons">
        <Button size="sm" onClick={() => onPage(page - 1)} disabled={page <= 1} aria-label="Previous page">
          ‹ Previous
        </Button>
        <span className="muted" aria-current="page">
          Page {page.toLocaleString('en-US')} of {about}
          {pages.toLocaleString('en-US')}
        </span>
        <Button size="sm" onClick={() => onPage(page + 1)} disabled={lastPage} aria-label="Next page">
          Next ›
        </Button>
      </div>
    </nav>
  );
}

import { useId, useState, type FormEvent } from 'react';
import { PAGE_SIZES } from '@/lib/list-params';
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
  /** Offers a choice of page size when given. */
  onPerPage?: (perPage: number) => void;
};

export function Pagination({ page, perPage, total, onPage, noun = 'items', estimated = false, hasNext, shown, onPerPage }: Props) {
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
        {pages > 1 ? <JumpToPage pages={pages} onPage={onPage} /> : null}
        {onPerPage ? <PageSize perPage={perPage} noun={noun} onPerPage={onPerPage} /> : null}
      </div>
    </nav>
  );
}

/** A page number to go to, from 1 to pages (an estimate allows any). */
function JumpToPage({ pages, onPage }: { pages: number; onPage: (page: number) => void }) {
  const id = useId();
  const [value, setValue] = useState('');
  const [error, setError] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > pages) {
      setError(`Choose a page from 1 to ${pages.toLocaleString('en-US')}.`);
      return;
    }
    setError('');
    setValue('');
    onPage(n);
  };
  return (
    <form className="pagination-buttons" onSubmit={submit} noValidate>
      <label htmlFor={id} className="muted">Go to page</label>
      <input id={id} className="input input-compact" style={{ width: '5.5em' }} type="number" inputMode="numeric" min={1} max={pages} value={value}
        aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => setValue(e.target.value)} />
      <Button size="sm" type="submit">Go</Button>
      {error ? <span id={`${id}-error`} className="field-error" role="alert">{error}</span> : null}
    </form>
  );
}

function PageSize({ perPage, noun, onPerPage }: { perPage: number; noun: string; onPerPage: (n: number) => void }) {
  const id = useId();
  return (
    <span className="pagination-buttons">
      <label htmlFor={id} className="muted">Per page</label>
      <select id={id} className="input select input-compact" value={perPage} title={`How many ${noun} a page shows`}
        onChange={(e) => onPerPage(Number(e.target.value))}>
        {PAGE_SIZES.map((n) => <option key={n} value={n}>{n}</option>)}
      </select>
    </span>
  );
}

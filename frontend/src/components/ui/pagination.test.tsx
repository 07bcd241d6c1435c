import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Pagination } from './pagination';

describe('Pagination', () => {
  it('counts an exact total as it is', () => {
    render(<Pagination page={2} perPage={50} total={120} noun="domains" onPage={() => {}} />);
    expect(screen.getByText('51–100 of 120 domains')).toBeInTheDocument();
    expect(screen.getByText('Page 2 of 3')).toBeInTheDocument();
  });

  it('says "about" for an estimated total and asks the server whether a page follows', () => {
    render(
      <Pagination page={3} perPage={50} total={25353} estimated hasNext={false} shown={12} noun="domains" onPage={() => {}} />,
    );
    expect(screen.getByText('101–112 of about 25,353 domains')).toBeInTheDocument();
    expect(screen.getByText('Page 3 of about 508')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Next page' })).toBeDisabled();
  });
});

describe('Pagination size and jump', () => {
  it('offers page sizes and jumps to a page in range only', () => {
    const pages: number[] = [];
    const sizes: number[] = [];
    render(<Pagination page={1} perPage={50} total={1000} noun="domains" onPage={(p) => pages.push(p)} onPerPage={(n) => sizes.push(n)} />);
    fireEvent.change(screen.getByLabelText('Per page'), { target: { value: '200' } });
    expect(sizes).toEqual([200]);
    const jump = screen.getByLabelText('Go to page');
    fireEvent.change(jump, { target: { value: '99' } });
    fireEvent.click(screen.getByRole('button', { name: 'Go' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Choose a page from 1 to 20.');
    fireEvent.change(jump, { target: { value: '7' } });
    fireEvent.click(screen.getByRole('button', { name: 'Go' }));
    expect(pages).toEqual([7]);
  });
});

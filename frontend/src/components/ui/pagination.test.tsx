import { render, screen } from '@testing-library/react';
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

import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { ConfirmDialog } from './dialog';

// A page with a control before and after the opener, so focus has somewhere to escape to.
function Page() {
  const [open, setOpen] = useState(false);
  const [renders, setRenders] = useState(0);
  return (
    <>
      <button type="button">Before</button>
      <button type="button" onClick={() => setOpen(true)}>
        Delete thing
      </button>
      <button type="button">After</button>
      {open ? (
        // An inline onCancel and a re-render from inside, as real callers do.
        <ConfirmDialog title="Delete thing?" confirmLabel="Delete" onConfirm={() => setRenders((n) => n + 1)} onCancel={() => setOpen(false)}>
          <input aria-label="Reason" />
          <span>renders: {renders}</span>
        </ConfirmDialog>
      ) : null}
    </>
  );
}

describe('ConfirmDialog', () => {
  it('starts on Cancel, wraps Tab and Shift+Tab inside, closes on Escape and gives focus back to the opener', async () => {
    const user = userEvent.setup();
    render(<Page />);
    const opener = screen.getByRole('button', { name: 'Delete thing' });
    await user.click(opener);
    const dialog = screen.getByRole('alertdialog', { name: 'Delete thing?' });
    const cancel = screen.getByRole('button', { name: 'Cancel' });
    const confirm = screen.getByRole('button', { name: 'Delete' });
    const reason = screen.getByRole('textbox', { name: 'Reason' });
    expect(cancel).toHaveFocus();
    await user.tab();
    expect(confirm).toHaveFocus();
    await user.tab();
    expect(reason).toHaveFocus(); // wrapped from the last control to the first
    await user.tab({ shift: true });
    expect(confirm).toHaveFocus(); // and back from the first to the last
    for (let i = 0; i < 5; i++) {
      await user.tab();
      expect(dialog).toContainElement(document.activeElement as HTMLElement);
    }
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    expect(opener).toHaveFocus();
  });

  it('keeps the focus where the user put it when the page re-renders', async () => {
    const user = userEvent.setup();
    render(<Page />);
    await user.click(screen.getByRole('button', { name: 'Delete thing' }));
    const confirm = screen.getByRole('button', { name: 'Delete' });
    await user.click(confirm); // re-renders the page, with a new onCancel
    expect(screen.getByText('renders: 1')).toBeInTheDocument();
    expect(confirm).toHaveFocus();
  });
});

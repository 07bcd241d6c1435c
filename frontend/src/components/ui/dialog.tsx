import { useId, useRef, type ReactNode, type RefObject } from 'react';
import { Button } from './button';
import { useFocusTrap } from './focus-trap';

type ModalProps = {
  title: string;
  children?: ReactNode;
  /** The buttons under the body. */
  actions: ReactNode;
  /** What a screen reader hears: alertdialog for confirmations. */
  role?: 'dialog' | 'alertdialog';
  /** Focused on opening; the dialog itself otherwise. */
  initialFocus?: RefObject<HTMLElement | null>;
  onClose: () => void;
};

/** A modal: focus moves in and stays in (Tab wraps), Escape and a click outside close, focus returns to the opener after. */
export function Modal({ title, children, actions, role = 'dialog', initialFocus, onClose }: ModalProps) {
  const id = useId();
  const boxRef = useRef<HTMLDivElement>(null);
  useFocusTrap(boxRef, true, { initialFocus, onEscape: onClose });
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div ref={boxRef} tabIndex={-1} className="modal" role={role} aria-modal="true" aria-labelledby={`${id}-t`} aria-describedby={`${id}-d`}>
        <h2 id={`${id}-t`} className="modal-title">
          {title}
        </h2>
        <div id={`${id}-d`} className="modal-body">
          {children}
        </div>
        {actions}
      </div>
    </div>
  );
}

type Props = {
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  tone?: 'danger' | 'primary';
  busy?: boolean;
  error?: string | null;
  onConfirm: () => void;
  onCancel: () => void;
};

/** A modal confirmation; focus starts on Cancel. */
export function ConfirmDialog({ title, children, confirmLabel, tone = 'danger', busy, error, onConfirm, onCancel }: Props) {
  const cancelRef = useRef<HTMLButtonElement>(null);
  return (
    <Modal
      title={title}
      role="alertdialog"
      initialFocus={cancelRef}
      onClose={onCancel}
      actions={
        <>
          {error ? (
            <p className="field-error" role="alert">
              {error}
            </p>
          ) : null}
          <div className="modal-actions">
            <Button ref={cancelRef} onClick={onCancel} disabled={busy}>
              Cancel
            </Button>
            <Button variant={tone} onClick={onConfirm} loading={busy}>
              {confirmLabel}
            </Button>
          </div>
        </>
      }
    >
      {children}
    </Modal>
  );
}

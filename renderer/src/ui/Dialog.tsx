import type { ReactNode } from 'react';
import { useEffect, useId, useRef } from 'react';

/**
 * A modal on the native <dialog>: the browser gives it the focus trap, the inert background, Escape
 * and the dialog role. It is open while mounted; Escape and the close button ask the owner to unmount it.
 *
 * The element marked `data-autofocus` gets the focus when the dialog opens and whenever `focusKey`
 * changes (a dialog that turns into its own result). React's autoFocus cannot do this: it focuses
 * before showModal() runs, which then moves the focus to the first button.
 */
export function Dialog({
  title,
  onClose,
  children,
  wide = false,
  focusKey,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  wide?: boolean;
  focusKey?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current!;
    if (!dialog.open) dialog.showModal();
    return () => dialog.close();
  }, []);
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('[data-autofocus]')?.focus();
  }, [focusKey]);
  return (
    <dialog
      ref={ref}
      className={wide ? 'dialog dialog--wide' : 'dialog'}
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <header className="dialog__header">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="icon-button" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </header>
      {children}
    </dialog>
  );
}

import type { ReactNode } from 'react';
import { useEffect, useId, useLayoutEffect, useRef } from 'react';

/**
 * A modal on the native <dialog>: the browser gives it the focus trap, the inert background, Escape
 * and the dialog role. It is open while mounted; Escape and the close button ask the owner to unmount it.
 *
 * The element marked `data-autofocus` gets the focus when the dialog opens and whenever `focusKey`
 * changes (a dialog that turns into its own result). React's autoFocus cannot do this: it focuses
 * before showModal() runs, which then moves the focus to the first button.
 *
 * When it closes, the focus goes back to whatever had it when the dialog opened (the button that
 * opened it), as the browser would do for a dialog closed in place. Here the owner unmounts the
 * dialog, and a dialog removed from the document leaves the focus on the page body, so this is done
 * by hand: close first (a modal makes the rest of the page inert, so nothing behind it can take the
 * focus), then focus the opener if it is still in the page, or else the section it was in.
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
  // A layout effect: its clean-up runs while the dialog is still in the document, before the browser paints.
  useLayoutEffect(() => {
    const dialog = ref.current!;
    const opener = document.activeElement instanceof HTMLElement && document.activeElement !== document.body ? document.activeElement : null;
    // If the dialog removes its opener (Delete on a table row), the part of the page it was in takes the focus instead.
    const region = opener?.parentElement?.closest<HTMLElement>('section, main, aside, nav') ?? null;
    if (!dialog.open) dialog.showModal();
    return () => {
      dialog.close();
      if (opener?.isConnected) opener.focus({ preventScroll: true });
      else if (region?.isConnected) {
        if (!region.hasAttribute('tabindex')) region.setAttribute('tabindex', '-1');
        region.focus({ preventScroll: true });
      }
    };
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

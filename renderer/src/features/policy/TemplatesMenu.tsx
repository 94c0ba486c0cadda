import { useEffect, useId, useRef, useState } from 'react';
import type { PolicyTemplate } from '../../../../shared/policy/types';

/**
 * The templates (from the Nix manual, filled with the bucket's name) as a menu button: arrow keys move
 * between them, Enter picks, Escape closes and gives the focus back to the button.
 */
export function TemplatesMenu({ templates, onPick }: { templates: readonly PolicyTemplate[]; onPick: (template: PolicyTemplate) => void }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    menu.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const onPointer = (e: PointerEvent) => {
      if (!menu.current?.contains(e.target as Node) && e.target !== button.current) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointer);
    return () => document.removeEventListener('pointerdown', onPointer);
  }, [open]);

  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  const move = (delta: number) => {
    const items = [...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const at = items.indexOf(document.activeElement as HTMLElement);
    items[(at + delta + items.length) % items.length]?.focus();
  };

  return (
    <div className="menu">
      <button ref={button} type="button" className="button" aria-haspopup="menu" aria-expanded={open} aria-controls={id} onClick={() => setOpen(!open)}>
        Templates <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <div
          ref={menu}
          id={id}
          role="menu"
          aria-label="Templates"
          className="menu__popup"
          onKeyDown={(e) => {
            if (e.key === 'Escape') close();
            else if (e.key === 'ArrowDown') move(1);
            else if (e.key === 'ArrowUp') move(-1);
            else return;
            e.preventDefault();
          }}
        >
          {templates.map((t) => (
            <button
              key={t.id}
              type="button"
              role="menuitem"
              className="menu__item"
              tabIndex={-1}
              onClick={() => {
                setOpen(false);
                onPick(t);
              }}
            >
              <span className="menu__title">
                {t.title}
                {t.kind === 'iam-user-policy' && <span className="tag">IAM, to copy</span>}
              </span>
              <span className="menu__hint">{t.explanation}</span>
            </button>
          ))}
        </div>
      )}
    </div>
  );
}

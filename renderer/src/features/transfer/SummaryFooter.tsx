import { CopyButton } from '../../ui/CopyButton';
import '../push/push.css';

/**
 * The end of a push's or a copy's summary: what the user should hear that did not stop the work (e.g.
 * incomplete uploads of killed pushes that were aborted), the nix.conf lines that substitute from the
 * cache it filled (with a Copy button), and Done.
 */
export function SummaryFooter({ substituters, notes = [], onDone }: { substituters: string; notes?: readonly string[]; onDone(): void }) {
  return (
    <>
      {notes.length > 0 && (
        <ul className="push__notes" aria-label="Notes">
          {notes.map((note) => (
            <li key={note}>{note.replace(/^note: /, '')}</li>
          ))}
        </ul>
      )}
      <SubstituteSnippet substituters={substituters} />
      <div className="push__actions">
        <button type="button" className="button button--primary" onClick={onDone}>
          Done
        </button>
      </div>
    </>
  );
}

/** The nix.conf lines that substitute from a cache with its key trusted, with a Copy button (push, copy and sign summaries). */
export function SubstituteSnippet({ substituters }: { substituters: string }) {
  return (
    <div className="push__snippet">
      <div className="push__section-head">
        <h3>Substitute from this cache (nix.conf)</h3>
        <CopyButton text={substituters} what="nix.conf lines" />
      </div>
      <pre className="push__code" aria-label="nix.conf lines">
        {substituters}
      </pre>
    </div>
  );
}

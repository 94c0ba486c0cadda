import { CopyButton } from '../../ui/CopyButton';
import '../push/push.css';

/** The end of a push's or a copy's summary: the nix.conf lines that substitute from the cache it filled (with a Copy button), and Done. */
export function SummaryFooter({ substituters, onDone }: { substituters: string; onDone(): void }) {
  return (
    <>
      <div className="push__snippet">
        <div className="push__section-head">
          <h3>Substitute from this cache (nix.conf)</h3>
          <CopyButton text={substituters} what="nix.conf lines" />
        </div>
        <pre className="push__code" aria-label="nix.conf lines">
          {substituters}
        </pre>
      </div>
      <div className="push__actions">
        <button type="button" className="button button--primary" onClick={onDone}>
          Done
        </button>
      </div>
    </>
  );
}

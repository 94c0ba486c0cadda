/** A labelled bar with its figures in words; indeterminate (a sliding fill) while the total is being counted. */
export function ProgressBar({ label, value, max, text, indeterminate }: { label: string; value: number; max: number; text: string; indeterminate: boolean }) {
  const fraction = max > 0 ? Math.min(1, value / max) : 0;
  return (
    <div className="push-bar">
      <div className="push-bar__top">
        <span className="push-bar__label">{label}</span>
        <span className="push-bar__text">{indeterminate ? 'Counting…' : text}</span>
      </div>
      <div
        className={`bar${indeterminate ? ' bar--indeterminate' : ''}`}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        {...(indeterminate ? {} : { 'aria-valuenow': Math.round(fraction * 100) })}
        aria-valuetext={indeterminate ? 'Counting…' : text}
      >
        <div className="bar__fill" style={{ width: `${indeterminate ? 30 : fraction * 100}%` }} />
      </div>
    </div>
  );
}

/**
 * A labelled bar with its figures in words; indeterminate (a sliding fill) while the total is being counted.
 * `name` is the bar's accessible name where the visible label changes with the phase (the Sign dialog's);
 * `pendingText` is what it says while indeterminate, for a job whose words say more than "Counting…".
 */
export function ProgressBar({
  label,
  name = label,
  value,
  max,
  text,
  indeterminate,
  pendingText = 'Counting…',
}: {
  label: string;
  name?: string;
  value: number;
  max: number;
  text: string;
  indeterminate: boolean;
  pendingText?: string;
}) {
  const fraction = max > 0 ? Math.min(1, value / max) : 0;
  return (
    <div className="push-bar">
      <div className="push-bar__top">
        <span className="push-bar__label">{label}</span>
        <span className="push-bar__text">{indeterminate ? pendingText : text}</span>
      </div>
      <div
        className={`bar${indeterminate ? ' bar--indeterminate' : ''}`}
        role="progressbar"
        aria-label={name}
        aria-valuemin={0}
        aria-valuemax={100}
        {...(indeterminate ? {} : { 'aria-valuenow': Math.round(fraction * 100) })}
        aria-valuetext={indeterminate ? pendingText : text}
      >
        <div className="bar__fill" style={{ width: `${indeterminate ? 30 : fraction * 100}%` }} />
      </div>
    </div>
  );
}

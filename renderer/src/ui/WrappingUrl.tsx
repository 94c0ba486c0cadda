import { urlParts } from './url-parts';

/**
 * A URL that wraps between its settings, not inside them: each part is an inline block that breaks
 * inside only when it is longer than a whole line. The text content is the URL unchanged (copying it
 * or reading it in a test gives the URL).
 */
export function WrappingUrl({ url }: { url: string }) {
  return (
    <>
      {urlParts(url).map((part, index) => (
        <span key={index} className="wrapping-url__part">
          {part}
        </span>
      ))}
    </>
  );
}

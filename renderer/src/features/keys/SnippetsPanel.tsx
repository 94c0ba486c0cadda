import type { CacheView, KeyView } from '../../../../shared/api/contract';
import { CopyButton } from '../../ui/CopyButton';
import { useSnippets } from './queries';

const blocks = [
  { field: 'nixConf', title: 'nix.conf', hint: 'For /etc/nix/nix.conf or ~/.config/nix/nix.conf on machines that use the cache.' },
  { field: 'nixosModule', title: 'NixOS module', hint: 'For configuration.nix.' },
  { field: 'flake', title: 'Flake nixConfig', hint: 'For flake.nix; users are asked to accept it.' },
  { field: 'copyCommand', title: 'Push with nix copy', hint: 'Signs while copying to the cache.' },
] as const;

/** Ready-to-paste configuration for the selected cache and key. */
export function SnippetsPanel({ keyView, cache }: { keyView: KeyView; cache: CacheView | undefined }) {
  const snippets = useSnippets(cache?.id, keyView.id);
  return (
    <section aria-labelledby="snippets" className="snippets">
      <h2 id="snippets">
        Use <code>{keyView.name}</code> with {cache ? <em>{cache.name}</em> : 'a cache'}
      </h2>
      {!cache && <p className="state__detail">Select a cache in the sidebar to get its snippets.</p>}
      {snippets.error && <p className="state state--error">{snippets.error.message}</p>}
      {snippets.data && (
        <div className="snippets__grid">
          {blocks.map((block) => (
            <figure key={block.field} className="snippet">
              <figcaption>
                <span className="snippet__title">{block.title}</span>
                <CopyButton text={snippets.data[block.field]} what={`${block.title} snippet`} />
              </figcaption>
              <pre aria-label={`${block.title} snippet`}>{snippets.data[block.field]}</pre>
              <p className="snippet__hint">{block.field === 'copyCommand' && snippets.data.copyNote ? snippets.data.copyNote : block.hint}</p>
            </figure>
          ))}
        </div>
      )}
    </section>
  );
}

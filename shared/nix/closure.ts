/**
 * What the local store says about one valid store path, normalised whatever Nix or Lix printed it as
 * (see electron/services/local-store/path-info-json.ts for the shapes). Hashes and content addresses
 * are in the form narinfos and fingerprints use, so a push can compare and sign without re-encoding.
 */
export interface LocalPathInfo {
  /** Full store path. */
  path: string;
  /** `sha256:<52 nix32 chars>`. */
  narHash: string;
  narSize: number;
  /** Full store paths, sorted, possibly including `path` itself. */
  references: string[];
  /** Full path of the derivation that built it, or null when unknown. */
  deriver: string | null;
  /** `keyname:base64`, as in a narinfo's `Sig` lines. */
  signatures: string[];
  /** The narinfo `CA` rendering (`fixed:r:sha256:<nix32>`, `text:sha256:...`), or null (input-addressed). */
  ca: string | null;
  /** Seconds since the epoch, when the store recorded it. */
  registrationTime: number | null;
  /** Built on this machine rather than substituted, when Nix says so. */
  ultimate: boolean | null;
}

export interface ClosureSummary {
  /** Distinct store paths. */
  paths: number;
  /** Sum of their NAR sizes in bytes. */
  narSize: number;
}

/** Totals of a closure; a path listed twice (two overlapping closures) counts once. */
export function closureSummary(infos: Iterable<Pick<LocalPathInfo, 'path' | 'narSize'>>): ClosureSummary {
  const seen = new Set<string>();
  let narSize = 0;
  for (const info of infos) {
    if (seen.has(info.path)) continue;
    seen.add(info.path);
    narSize += info.narSize;
  }
  return { paths: seen.size, narSize };
}

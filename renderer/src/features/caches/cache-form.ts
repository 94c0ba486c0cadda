import { contract } from '../../../../shared/api/contract';
import type { CacheConfig, CacheKind } from '../../../../shared/caches/config';
import { formatStoreUrl, parseStoreUrl } from '../../../../shared/caches/store-url';

/**
 * The add/edit form as plain strings (what inputs hold), and its conversions to and from a cache
 * configuration. Empty optional fields mean "not set", so a form never writes `region=` into a URL.
 */
export interface CacheFormState {
  name: string;
  kind: CacheKind;
  bucket: string;
  region: string;
  endpoint: string;
  scheme: '' | 'http' | 'https';
  /** '' is the default credential chain. */
  profile: string;
  addressingStyle: '' | 'auto' | 'path' | 'virtual';
  path: string;
  url: string;
  /** Nix settings without a field of their own, kept from an import so they survive a save. */
  settings: Array<[string, string]>;
}

export type FormField = Exclude<keyof CacheFormState, 'settings'>;

export const fieldLabels: Record<FormField, string> = {
  name: 'Name',
  kind: 'Kind',
  bucket: 'Bucket',
  region: 'Region',
  endpoint: 'Endpoint',
  scheme: 'Scheme',
  profile: 'AWS profile',
  addressingStyle: 'Addressing style',
  path: 'Folder',
  url: 'URL',
};

export const emptyForm = (): CacheFormState => ({
  name: '',
  kind: 's3',
  bucket: '',
  region: '',
  endpoint: '',
  scheme: '',
  profile: '',
  addressingStyle: '',
  path: '',
  url: '',
  settings: [],
});

/** Fills the fields of a config's kind; the others keep what `base` had, so switching kind back loses nothing. */
export function formFromConfig(config: CacheConfig, base: CacheFormState = emptyForm()): CacheFormState {
  const form: CacheFormState = { ...base, kind: config.kind, settings: config.settings.map(([k, v]) => [k, v]) };
  switch (config.kind) {
    case 's3':
      return {
        ...form,
        bucket: config.bucket,
        region: config.region ?? '',
        endpoint: config.endpoint ?? '',
        scheme: config.scheme ?? '',
        profile: config.profile ?? '',
        addressingStyle: config.addressingStyle ?? '',
      };
    case 'file':
      return { ...form, path: config.path };
    case 'http':
      return { ...form, url: config.url };
  }
}

const optional = (value: string): string | undefined => (value.trim() === '' ? undefined : value.trim());

/** What the form describes, before validation (the schema has the last word). */
export function formToCandidate(form: CacheFormState): Record<string, unknown> {
  const settings = form.settings;
  switch (form.kind) {
    case 's3':
      return {
        kind: 's3',
        bucket: form.bucket.trim(),
        region: optional(form.region),
        endpoint: optional(form.endpoint),
        scheme: optional(form.scheme),
        profile: optional(form.profile),
        addressingStyle: optional(form.addressingStyle),
        settings,
      };
    case 'file':
      return { kind: 'file', path: form.path.trim(), settings };
    case 'http':
      return { kind: 'http', url: form.url.trim().replace(/\/+$/, ''), settings };
  }
}

export type FormErrors = Partial<Record<FormField, string>>;

export type Validated = { ok: true; name: string; config: CacheConfig } | { ok: false; errors: FormErrors };

/** Checks the form with the very schema the API checks requests with, and files each issue under its field. */
export function validateForm(form: CacheFormState): Validated {
  const parsed = contract.caches.add.input.safeParse({ name: form.name, config: formToCandidate(form) });
  if (parsed.success) return { ok: true, name: parsed.data.name, config: parsed.data.config };
  const errors: FormErrors = {};
  for (const issue of parsed.error.issues) {
    const [top, field] = issue.path;
    const key = (top === 'name' ? 'name' : typeof field === 'string' && field in fieldLabels ? field : 'kind') as FormField;
    errors[key] ??= issue.message;
  }
  return { ok: false, errors };
}

/** The store URL the form would save, even half filled in (it is a preview, not a promise). */
export function previewStoreUrl(form: CacheFormState): string {
  const candidate = formToCandidate(form) as CacheConfig;
  try {
    return formatStoreUrl(candidate);
  } catch {
    return '';
  }
}

export type ImportResult = { ok: true; form: CacheFormState; warnings: string[] } | { ok: false; error: string };

/** A name to start from when the user has not typed one: the bucket, the folder's last part, or the host. */
export function suggestName(config: CacheConfig): string {
  switch (config.kind) {
    case 's3':
      return config.bucket;
    case 'file':
      return config.path.split('/').filter(Boolean).pop() ?? config.path;
    case 'http':
      return config.url.replace(/^https?:\/\//, '');
  }
}

export function importStoreUrl(form: CacheFormState, url: string): ImportResult {
  if (url.trim() === '') return { ok: false, error: 'Paste a store URL such as s3://bucket?region=eu-west-1 or file:///srv/cache.' };
  try {
    const { config, warnings } = parseStoreUrl(url);
    const next = formFromConfig(config, form);
    if (next.name.trim() === '') next.name = suggestName(config);
    return { ok: true, form: next, warnings };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

/**
 * How secret keys are kept at rest. The Electron glue provides a box backed by the OS keychain
 * (safeStorage); everywhere else (CLI, browser shell) secrets are plain files with mode 0600, and the
 * UI says so.
 */
export interface SecretBox {
  readonly encrypted: boolean;
  /** For the Keys screen: how secrets are stored here. */
  readonly description: string;
  seal(secret: string): Uint8Array;
  open(sealed: Uint8Array): string;
}

export const plainFileBox: SecretBox = {
  encrypted: false,
  description: "They are files readable only by you (mode 0600) in Narwhal's data folder; the desktop app encrypts them with the system keychain.",
  seal: (secret) => Buffer.from(secret, 'utf8'),
  open: (sealed) => Buffer.from(sealed).toString('utf8'),
};

/** Nix's binary cache formats: pure functions, no I/O. */
export { FormatError, type FormatErrorLocation } from './errors';
export { encodeBase64, decodeBase64, base64Length } from './base64';
export { NIX32_ALPHABET, encodeNix32, decodeNix32, nix32Length, isNix32Char } from './nix32';
export {
  type Hash,
  type HashAlgo,
  type HashFormat,
  HASH_ALGOS,
  isHashAlgo,
  hashSize,
  parseHash,
  parseHashBody,
  formatHash,
  hashToNix32,
  hashToSri,
  hashToHex,
  hashEquals,
  sha256Hash,
} from './hash';
export {
  type StorePath,
  type StoreBasename,
  DEFAULT_STORE_DIR,
  STORE_PATH_HASH_LENGTH,
  STORE_PATH_MAX_NAME_LENGTH,
  parseStorePath,
  parseStoreBasename,
  isStorePath,
  isStoreBasename,
  checkStorePathName,
  checkStoreDir,
  storeDirOf,
  basenameOf,
} from './store-path';
export {
  type ContentAddress,
  type ContentAddressMethod,
  parseContentAddress,
  renderContentAddress,
} from './content-address';
export {
  type Narinfo,
  type NarinfoUnknownField,
  type ParseNarinfoOptions,
  type SerialiseNarinfoOptions,
  parseNarinfo,
  serialiseNarinfo,
  narinfoKey,
} from './narinfo';
export {
  type PublicKey,
  SecretKey,
  checkKeyName,
  isValidKeyName,
  parseSecretKey,
  parsePublicKey,
  parsePublicKeys,
  secretKeyFromSeed,
  generateSecretKey,
  publicKeyOf,
  formatSecretKey,
  formatPublicKey,
  signDetached,
  verifyDetached,
} from './keys';
export {
  type FingerprintInput,
  type Signature,
  type SignatureCheck,
  type SignedInfo,
  type NarinfoVerdict,
  fingerprint,
  parseSignature,
  formatSignature,
  signNarinfo,
  verifyNarinfo,
} from './signature';
export {
  type NixCacheInfo,
  type NixCacheInfoUnknownField,
  parseNixCacheInfo,
  serialiseNixCacheInfo,
} from './nix-cache-info';
export { utf8Encode, utf8Decode, compareCodePoints } from './text';
export * from './nar-listing';

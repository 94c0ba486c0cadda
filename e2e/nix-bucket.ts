import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Page } from '@playwright/test';
import type { RgwInfo } from '../scripts/testbed/rgw';
import { buildClosure, nix, nixCopyToFile, nixGenerateKey, type FixtureClosure } from '../scripts/testbed/nix';
import { createBucket, s3Client, uniqueBucketName, uploadDir } from '../scripts/testbed/s3';
import { addCacheByUrl, profiles } from './fixtures';

/** A bucket whose every object real Nix wrote: `nix copy --to file://…?secret-key=…`, then uploaded to RGW. */
export interface NixBucket {
  closure: FixtureClosure;
  /** What the closure is made of, by role (full store paths). */
  paths: { leaf: string; lib: string; top: string };
  /** The key Nix signed every narinfo with (`name:base64`); its name is `keyName`. */
  publicKey: string;
  keyName: string;
  bucket: string;
  /** `s3://bucket?endpoint=…&scheme=http&profile=…`, the way a user adds it. */
  storeUrl: string;
  /** The folder Nix wrote before the upload (still there: read it to compare). */
  folder: string;
  /** Every key uploaded, sorted. */
  keys: string[];
  /** Deletes one object of the bucket (e.g. `narinfoKey(paths.leaf)` to make a reference missing). */
  deleteKey(key: string): Promise<void>;
  /** Adds the bucket as an S3 cache in the app (through the Add dialog, by its store URL). */
  addToApp(page: Page, name?: string): Promise<void>;
}

export interface NixBucketOptions {
  /** Nix's `write-nar-listing=true`: a `<hash>.ls` JSON listing next to each narinfo. Default false. */
  narListing?: boolean;
  /** `compression=` of the copy (xz, zstd, bzip2, none…). Default: Nix's, xz. */
  compression?: string;
  /** Also `nix store copy-log` the closure's build logs to `log/<deriver>`. Default true. */
  buildLogs?: boolean;
  /** Goes into the derivation names and the bucket name. */
  label?: string;
}

/** `/nix/store/<hash>-<name>` → `<hash>` */
export const hashOf = (storePath: string): string => path.basename(storePath).slice(0, 32);
/** `/nix/store/<hash>-<name>` → `<hash>-<name>` */
export const baseNameOf = (storePath: string): string => path.basename(storePath);
/** The narinfo's key in the bucket. */
export const narinfoKey = (storePath: string): string => `${hashOf(storePath)}.narinfo`;

/**
 * A fresh three-path closure: top -> lib -> leaf, and top -> leaf directly (a shared subtree). The
 * leaf has a text file, an executable, a symlink and a small binary file; every builder prints lines
 * so its build log is not empty. Fresh paths each call (a nonce in each derivation).
 */
async function buildLoggedClosure(label: string): Promise<{ closure: FixtureClosure; paths: NixBucket['paths'] }> {
  const name = label.replace(/[^A-Za-z0-9+._?=-]+/g, '-').replace(/^[.-]+/, '').slice(0, 40) || 'bucket';
  const nonce = `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
  const expr = `
    let
      mk = part: script: derivation {
        name = "narwhal-${name}-\${part}";
        system = builtins.currentSystem;
        builder = "/bin/sh";
        args = [ "-c" script ];
        nonce = ${JSON.stringify(nonce)};
      };
      leaf = mk "leaf" ''
        echo "building leaf ($nonce)"
        /bin/mkdir -p $out/bin $out/share
        echo "leaf data ($nonce)" > $out/share/data.txt
        printf '#!/bin/sh\\necho hello\\n' > $out/bin/hello
        /bin/chmod 0755 $out/bin/hello
        printf '\\000\\001\\002binary\\377' > $out/share/blob.bin
        /bin/ln -s share/data.txt $out/link
        echo "leaf done"
      '';
      lib = mk "lib" ''
        echo "building lib"
        /bin/mkdir -p $out
        echo "\${leaf}" > $out/leaf-path
      '';
      top = mk "top" ''
        echo "building top"
        /bin/mkdir -p $out
        echo "\${lib}" > $out/lib-path
        echo "\${leaf}/bin/hello" > $out/hello-path
      '';
    in top
  `;
  const closure = await buildClosure(expr);
  const find = (part: string) => {
    const found = closure.all.find((p) => p.endsWith(`-${part}`));
    if (!found) throw new Error(`the built closure has no ${part} path: ${closure.all.join(', ')}`);
    return found;
  };
  return { closure, paths: { leaf: find('leaf'), lib: find('lib'), top: find('top') } };
}

/**
 * Builds a closure, has Nix write it as a signed binary cache folder, uploads the folder to a new RGW
 * bucket, and returns what a test needs to check the app against it.
 */
export async function makeNixBucket(testbed: RgwInfo, workDir: string, opts: NixBucketOptions = {}): Promise<NixBucket> {
  const label = opts.label ?? 'nix-bucket';
  const { closure, paths } = await buildLoggedClosure(label);
  const keyName = `${label}-${randomBytes(3).toString('hex')}`;
  const key = await nixGenerateKey(keyName);
  const folder = path.join(workDir, `nix-written-${randomBytes(4).toString('hex')}`);
  const params: Record<string, string> = opts.narListing ? { 'write-nar-listing': 'true' } : {};
  await nixCopyToFile(folder, [closure.top], { secretKey: key.secret, compression: opts.compression, params });
  if (opts.buildLogs ?? true) await nix(['store', 'copy-log', '--to', `file://${folder}`, ...closure.all]);

  const bucket = await createBucket(testbed, uniqueBucketName(`e2e-${label}`));
  const keys = await uploadDir(testbed, bucket, folder);
  const storeUrl = `s3://${bucket}?endpoint=127.0.0.1:${testbed.port}&scheme=http&profile=${profiles.good}`;
  return {
    closure,
    paths,
    publicKey: key.public,
    keyName,
    bucket,
    storeUrl,
    folder,
    keys,
    async deleteKey(objectKey: string) {
      const s3 = s3Client(testbed);
      try {
        await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: objectKey }));
      } finally {
        s3.destroy();
      }
    },
    addToApp: (page: Page, name = bucket) => addCacheByUrl(page, name, storeUrl),
  };
}

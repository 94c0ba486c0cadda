// Fixtures: one small closure (an app that refers to a lib and to itself, the lib content-addressed)
// written in each shape `nix path-info --json` has had. Values are ours; the shapes follow the
// sources named in path-info-json.ts. Every shape must parse to the same LocalPathInfo.
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/api/errors';
import type { LocalPathInfo } from '../../../shared/nix/closure';
import { parsePathInfoJson } from './path-info-json';

const APP_BASE = 'vdz3dlnvz8kyjb3p4gznhaq1cpsz5dpg-narwhal-app-1.0';
const LIB_BASE = 'qm7fr2ms1ig9rmrsa6g6dfr3k10y2jx6-narwhal-lib-2.1';
const DRV_BASE = 'w3h1ncsvxsmjszvk19l5f2mnsr6wfr9a-narwhal-app-1.0.drv';
const GONE_BASE = 'c4q9nl8lccl7kdl2hjkgcjbc9dgs12rd-gone';
const APP = `/nix/store/${APP_BASE}`;
const LIB = `/nix/store/${LIB_BASE}`;
const DRV = `/nix/store/${DRV_BASE}`;
const GONE = `/nix/store/${GONE_BASE}`;

// The same sha256 in each spelling Nix has used.
const NAR = {
  nix32: 'sha256:1abl20q3xx3br3jiwnhrvx5lcwvhkffg7klxw9s3nv70b7319pkn',
  sri: 'sha256-dt4UxlngbDt04p3O85ybcHNGS98ZWh7lyGv0PjAQdKk=',
  hex: 'sha256:76de14c659e06c3b74e29dcef39c9b7073464bdf195a1ee5c86bf43e301074a9',
  b64: 'dt4UxlngbDt04p3O85ybcHNGS98ZWh7lyGv0PjAQdKk=',
};
const CA = {
  nix32: 'sha256:03z63hc3nk5wszipmp4ijsvrqv6yl1i9pibz2ihk8i11rsybysg7',
  sri: 'sha256-52m/vM4hRDRhFH/Fm2Kg3myct5aR3Hrj17xMOxgc5g8=',
  hex: 'e769bfbcce21443461147fc59b62a0de6c9cb79691dc7ae3d7bc4c3b181ce60f',
};
const SIG = 'narwhal-test-1:3wOQxyG3CX0KyhFh0PgDZ1bO0Ym6OPbM4pV+2XXTcWnGRxVZmOhd1PvMAlJJ0AL2QIo2lUmL4yj4bPzUOLW1Bw==';

const expected: LocalPathInfo[] = [
  {
    path: APP,
    narHash: NAR.nix32,
    narSize: 4096,
    references: [APP, LIB].sort(),
    deriver: DRV,
    signatures: [SIG],
    ca: null,
    registrationTime: 1700000000,
    ultimate: true,
  },
  {
    path: LIB,
    narHash: NAR.nix32,
    narSize: 120,
    references: [],
    deriver: null,
    signatures: [],
    ca: `fixed:r:${CA.nix32}`,
    registrationTime: 1700000001,
    ultimate: false,
  },
];

/** Nix 2.8 (and Lix): an array; absent fields left out; invalid paths as {path, valid: false}. */
const nix28 = JSON.stringify([
  { path: APP, narHash: NAR.sri, narSize: 4096, references: [LIB, APP], deriver: DRV, registrationTime: 1700000000, ultimate: true, signatures: [SIG] },
  { path: LIB, narHash: NAR.sri, narSize: 120, references: [], ca: `fixed:r:${CA.nix32}`, registrationTime: 1700000001 },
  { path: GONE, valid: false },
]);

/** Nix 2.3: the same array, with nix32 NAR hashes and a closureSize when asked (-S). */
const nix23 = JSON.stringify([
  { path: APP, narHash: NAR.nix32, narSize: 4096, references: [APP, LIB], deriver: DRV, registrationTime: 1700000000, ultimate: true, signatures: [SIG], closureSize: 4216 },
  { path: LIB, narHash: NAR.nix32, narSize: 120, references: [], ca: `fixed:r:${CA.nix32}`, registrationTime: 1700000001, ultimate: false },
]);

/** Nix 2.19 to 2.22: keyed by full path; invalid is null; absent fields still left out. */
const nix219 = JSON.stringify({
  [APP]: { narHash: NAR.sri, narSize: 4096, references: [APP, LIB], deriver: DRV, registrationTime: 1700000000, ultimate: true, signatures: [SIG] },
  [LIB]: { narHash: NAR.sri, narSize: 120, references: [], ca: `fixed:r:${CA.nix32}`, registrationTime: 1700000001, ultimate: false },
  [GONE]: null,
});

/** Nix 2.23+: absent fields are null; 2.33's `--json-format 1` adds version and storeDir per entry. */
const nix233v1 = JSON.stringify({
  [APP]: { ca: null, deriver: DRV, narHash: NAR.sri, narSize: 4096, references: [APP, LIB], registrationTime: 1700000000, signatures: [SIG], storeDir: '/nix/store', ultimate: true, version: 1 },
  [LIB]: { ca: `fixed:r:${CA.nix32}`, deriver: null, narHash: NAR.sri, narSize: 120, references: [], registrationTime: 1700000001, signatures: [], storeDir: '/nix/store', ultimate: false, version: 1 },
  [GONE]: null,
});

/** Nix 2.33+ `--json-format 2`: wrapped, keyed by base name, base-name references, structured ca. */
const nix233v2 = JSON.stringify({
  version: 2,
  storeDir: '/nix/store',
  info: {
    [APP_BASE]: { ca: null, deriver: DRV_BASE, narHash: NAR.sri, narSize: 4096, references: [APP_BASE, LIB_BASE], registrationTime: 1700000000, signatures: [SIG], storeDir: '/nix/store', ultimate: true, version: 2 },
    [LIB_BASE]: { ca: { method: 'nar', hash: CA.sri }, deriver: null, narHash: NAR.sri, narSize: 120, references: [], registrationTime: 1700000001, signatures: [], storeDir: '/nix/store', ultimate: false, version: 2 },
    [GONE_BASE]: null,
  },
});

/** Store object info v3: signatures as {keyName, sig}. */
const v3 = JSON.stringify({
  version: 3,
  storeDir: '/nix/store',
  info: {
    [APP_BASE]: { ca: null, deriver: DRV_BASE, narHash: NAR.sri, narSize: 4096, references: [LIB_BASE, APP_BASE], registrationTime: 1700000000, signatures: [{ keyName: SIG.split(':')[0], sig: SIG.slice(SIG.indexOf(':') + 1) }], storeDir: '/nix/store', ultimate: true, version: 3 },
    [LIB_BASE]: { ca: { method: 'nar', hash: CA.sri }, deriver: null, narHash: NAR.sri, narSize: 120, references: [], registrationTime: 1700000001, signatures: [], storeDir: '/nix/store', ultimate: false, version: 3 },
  },
});

/** A development form of the structured format: hashes as {algorithm, format, hash}. */
const structuredHashes = JSON.stringify({
  [APP]: { narHash: { algorithm: 'sha256', format: 'base64', hash: NAR.b64 }, narSize: 4096, references: [APP, LIB], deriver: DRV, registrationTime: 1700000000, ultimate: true, signatures: [SIG], ca: null },
  [LIB]: { narHash: { algorithm: 'sha256', format: 'base16', hash: NAR.hex.slice(7) }, narSize: 120, references: [], ca: { method: 'nar', hash: { algorithm: 'sha256', format: 'base16', hash: CA.hex } }, registrationTime: 1700000001, ultimate: false, signatures: [], deriver: null },
});

describe('parsePathInfoJson', () => {
  const cases: Array<[string, string, string[]]> = [
    ['Nix 2.8 / Lix array', nix28, [GONE]],
    ['Nix 2.3 array with nix32 hashes', nix23, []],
    ['Nix 2.19 object keyed by path', nix219, [GONE]],
    ['Nix 2.33 --json-format 1', nix233v1, [GONE]],
    ['Nix 2.33 --json-format 2', nix233v2, [GONE]],
    ['store object info v3', v3, []],
    ['structured hash objects', structuredHashes, []],
  ];
  for (const [name, text, invalid] of cases) {
    it(`reads the ${name} shape`, () => {
      const parsed = parsePathInfoJson(text);
      // Nix 2.3 printed ultimate:false where newer Nix leave it out; compare the rest.
      const norm = (infos: LocalPathInfo[]) => infos.map((i) => ({ ...i, ultimate: i.ultimate === true }));
      expect(norm(parsed.infos)).toEqual(norm(expected));
      expect(parsed.invalid).toEqual(invalid);
    });
  }

  it('keeps null and absent optional fields apart from their values', () => {
    const [lib] = parsePathInfoJson(nix28).infos.slice(1);
    expect(lib).toMatchObject({ deriver: null, signatures: [], ultimate: null });
  });

  it('accepts top-level version and storeDir beside paths (2.33 --json-format 1 as released)', () => {
    const text = JSON.stringify({ version: 1, storeDir: '/nix/store', ...JSON.parse(nix219) });
    expect(parsePathInfoJson(text).infos.map((i) => i.path)).toEqual([APP, LIB]);
  });

  it('renders a text content address with a nix32 hash', () => {
    const text = JSON.stringify({ [LIB]: { narHash: NAR.sri, narSize: 1, references: [], ca: { method: 'text', hash: CA.sri } } });
    expect(parsePathInfoJson(text).infos[0]!.ca).toBe(`text:${CA.nix32}`);
    const old = JSON.stringify([{ path: LIB, narHash: NAR.sri, narSize: 1, references: [], ca: `text:sha256:${CA.hex}` }]);
    expect(parsePathInfoJson(old).infos[0]!.ca).toBe(`text:${CA.nix32}`);
  });

  it('reads an empty answer in every shape', () => {
    expect(parsePathInfoJson('[]')).toEqual({ infos: [], invalid: [] });
    expect(parsePathInfoJson('{}')).toEqual({ infos: [], invalid: [] });
    expect(parsePathInfoJson('{"version":2,"storeDir":"/nix/store","info":{}}')).toEqual({ infos: [], invalid: [] });
  });

  describe('rejects malformed output, naming the field and the path', () => {
    const bad = (entry: Record<string, unknown>) => JSON.stringify([{ path: APP, narHash: NAR.sri, narSize: 1, references: [], ...entry }]);
    const cases: Array<[string, string, RegExp]> = [
      ['not JSON', 'warning: something\n[', /not JSON/],
      ['a number at the top', '42', /top level is number/],
      ['an entry that is not an object', '[1]', /entry 0 is number/],
      ['a missing path', JSON.stringify([{ narHash: NAR.sri }]), /field 'path' of entry 0: is undefined/],
      ['a path outside the store', JSON.stringify([{ path: '/tmp/x', narHash: NAR.sri, narSize: 1, references: [] }]), /field 'path'.*not in the store directory/],
      ['a missing narHash', bad({ narHash: undefined }), new RegExp(`field 'narHash' of ${APP}: is undefined`)],
      ['a truncated narHash', bad({ narHash: 'sha256-dt4Uxlng' }), new RegExp(`field 'narHash' of ${APP}: .*decodes to`)],
      ['an md5 narHash', bad({ narHash: 'md5:00112233445566778899aabbccddeeff' }), /field 'narHash'.*md5 hash, expected sha256/],
      ['a string narSize', bad({ narSize: '12' }), new RegExp(`field 'narSize' of ${APP}: is "12"`)],
      ['a negative narSize', bad({ narSize: -1 }), /field 'narSize'.*non-negative integer/],
      ['references that are not an array', bad({ references: 'x' }), /field 'references'.*expected an array/],
      ['a bad reference', bad({ references: [LIB, 'nonsense'] }), /field 'references\[1\]'/],
      ['a bad deriver', bad({ deriver: 42 }), /field 'deriver'/],
      ['a signature without a key name', bad({ signatures: ['abc'] }), /field 'signatures\[0\]'/],
      ['an unknown ca method', bad({ ca: { method: 'magic', hash: CA.sri } }), /field 'ca'.*method "magic"/],
      ['a bad ca string', bad({ ca: 'fixed:r:sha256:xyz' }), /field 'ca'.*wrong length/],
      ['a string registrationTime', bad({ registrationTime: 'now' }), /field 'registrationTime'/],
      ['another store directory', JSON.stringify({ version: 2, storeDir: '/gnu/store', info: {} }), /store directory is "\/gnu\/store"/],
      ['an entry keyed by one path naming another', JSON.stringify({ [APP]: { path: LIB, narHash: NAR.sri, narSize: 1, references: [] } }), /names .*narwhal-lib.*keyed by .*narwhal-app/],
      ['a keyed entry that is a string', JSON.stringify({ [APP]: 'valid' }), new RegExp(`of ${APP}: is "valid"`)],
    ];
    for (const [name, text, message] of cases) {
      it(name, () => {
        let error: unknown;
        try {
          parsePathInfoJson(text);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(ApiError);
        expect((error as ApiError).code).toBe('bad-format');
        expect((error as ApiError).message).toMatch(/^Unexpected output from nix path-info --json/);
        expect((error as ApiError).message).toMatch(message);
      });
    }
  });
});

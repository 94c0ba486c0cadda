import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

// The Electron binary cannot run on our machines, so the glue is checked against a recording stand-in
// for the `electron` module: what window it opens, with which preferences, and which handlers it sets.
const recorded = vi.hoisted(() => ({
  windowOptions: undefined as undefined | Record<string, unknown>,
  webContentsHandlers: new Map<string, (...args: unknown[]) => unknown>(),
  windowOpenHandler: undefined as undefined | ((details: unknown) => unknown),
  permissionHandler: undefined as undefined | ((...args: unknown[]) => void),
  permissionCheck: undefined as undefined | (() => boolean),
  schemes: [] as unknown[],
  protocolHandler: undefined as undefined | ((request: { url: string }) => Promise<Response>),
  loadedUrl: '',
  ipcHandlers: new Map<string, unknown>(),
  appHandlers: new Map<string, (...args: unknown[]) => unknown>(),
  windowHandlers: new Map<string, (...args: unknown[]) => unknown>(),
  lockRequested: 0,
  focused: 0,
  loaded: (() => {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    return { promise, resolve };
  })(),
}));

vi.mock('electron', () => {
  class BrowserWindow {
    webContents = {
      id: 1,
      on: (event: string, handler: (...args: unknown[]) => unknown) => recorded.webContentsHandlers.set(event, handler),
      once: () => undefined,
      send: () => undefined,
      setWindowOpenHandler: (handler: (details: unknown) => unknown) => (recorded.windowOpenHandler = handler),
    };
    constructor(options: Record<string, unknown>) {
      recorded.windowOptions = options;
    }
    isMinimized = () => false;
    isDestroyed = () => false;
    on = (event: string, handler: (...args: unknown[]) => unknown) => recorded.windowHandlers.set(event, handler);
    restore = () => undefined;
    focus = () => void (recorded.focused += 1);
    async loadURL(url: string) {
      recorded.loadedUrl = url;
      recorded.loaded.resolve();
    }
  }
  return {
    app: {
      getAppPath: () => process.cwd(),
      getPath: () => process.env.NARWHAL_TEST_USERDATA,
      whenReady: async () => undefined,
      on: (event: string, handler: (...args: unknown[]) => unknown) => recorded.appHandlers.set(event, handler),
      requestSingleInstanceLock: () => ((recorded.lockRequested += 1), true),
      quit: () => undefined,
      exit: () => undefined,
    },
    dialog: { showMessageBoxSync: () => 0 },
    BrowserWindow,
    ipcMain: { handle: (channel: string, handler: unknown) => recorded.ipcHandlers.set(channel, handler) },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => recorded.schemes.push(...schemes),
      handle: (_scheme: string, handler: (request: { url: string }) => Promise<Response>) => (recorded.protocolHandler = handler),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (handler: (...args: unknown[]) => void) => (recorded.permissionHandler = handler),
        setPermissionCheckHandler: (handler: () => boolean) => (recorded.permissionCheck = handler),
      },
    },
    safeStorage: { isEncryptionAvailable: () => false, getSelectedStorageBackend: () => 'basic_text' },
  };
});

describe('the Electron glue (against a recording stand-in for electron)', async () => {
  process.env.NARWHAL_TEST_USERDATA = await mkdtemp(join(tmpdir(), 'narwhal-electron-'));
  await import('./main');
  await recorded.loaded.promise;

  it('opens the window isolated, sandboxed, without Node and with web security', () => {
    expect(recorded.windowOptions?.webPreferences).toEqual({
      preload: join(process.cwd(), 'dist', 'electron', 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
    });
  });

  it('loads the UI from the app:// protocol, never a remote URL or file://', () => {
    expect(recorded.loadedUrl).toBe('app://narwhal/index.html');
    expect(recorded.schemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
  });

  it('serves only app://narwhal with a strict CSP', async () => {
    const other = await recorded.protocolHandler!({ url: 'app://elsewhere/index.html' });
    expect(other.status).toBe(404);
    const csp = other.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe');
    const traversal = await recorded.protocolHandler!({ url: 'app://narwhal/../../package.json' });
    expect(await traversal.text()).not.toContain('"name": "narwhal"');
  });

  it('blocks navigation, new windows, webviews and permission requests', () => {
    let prevented = false;
    recorded.webContentsHandlers.get('will-navigate')!({ preventDefault: () => (prevented = true) }, 'https://evil.example/');
    expect(prevented).toBe(true);
    prevented = false;
    recorded.webContentsHandlers.get('will-navigate')!({ preventDefault: () => (prevented = true) }, 'app://narwhal/index.html');
    expect(prevented).toBe(false);
    expect(recorded.windowOpenHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    prevented = false;
    recorded.webContentsHandlers.get('will-attach-webview')!({ preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    let granted: boolean | undefined;
    recorded.permissionHandler!({}, 'media', (ok: boolean) => (granted = ok));
    expect(granted).toBe(false);
    expect(recorded.permissionCheck!()).toBe(false);
  });

  it('holds the single-instance lock, and a second launch brings the window to the front', () => {
    expect(recorded.lockRequested).toBe(1);
    recorded.appHandlers.get('second-instance')!();
    expect(recorded.focused).toBe(1);
  });

  it('guards quitting and closing the window (with no job running here, both go ahead; quit-guard.test.ts covers the question)', () => {
    let prevented = false;
    recorded.appHandlers.get('before-quit')!({ preventDefault: () => (prevented = true) });
    recorded.windowHandlers.get('close')!({ preventDefault: () => (prevented = true) });
    expect(prevented).toBe(false);
  });

  it('binds exactly one IPC request channel', () => {
    expect([...recorded.ipcHandlers.keys()]).toEqual(['narwhal:request']);
  });
});

import { join } from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, protocol, session } from 'electron';
import { startNarwhal } from '../services/narwhal';
import { resolveDataDir } from '../services/settings/data-dir';
import { loadAsset, securityHeaders } from '../services/ui/static-assets';
import { appOrigin, bindIpc } from './ipc-binding';
import { installQuitGuard, quitQuestion } from './quit-guard';
import { safeStorageBox } from './safe-storage-box';

// The thin Electron glue: a window, its preload, the app:// protocol and the IPC binding. All work is
// done by the same services the CLI and the browser shell run under plain Node.

protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

const rendererDir = join(app.getAppPath(), 'dist', 'renderer');
const preloadPath = join(app.getAppPath(), 'dist', 'electron', 'preload.cjs');

async function main(): Promise<void> {
  // One Narwhal at a time: a second launch hands over to the first (which comes to the front) and
  // exits, rather than a second set of services racing the first over the same settings and keys.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  // Filled in once the window exists; a launch before that has nothing to focus yet.
  const ours: { window?: BrowserWindow } = {};
  app.on('second-instance', () => {
    const window = ours.window;
    if (!window || window.isDestroyed()) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });

  await app.whenReady();
  const dataDir = resolveDataDir({
    flag: process.argv.find((arg) => arg.startsWith('--data-dir='))?.slice('--data-dir='.length),
    platformDefault: app.getPath('userData'),
  });
  const narwhal = await startNarwhal({ dataDir, shell: 'electron', secretBox: safeStorageBox(), log: (line) => console.error(line) });

  // Checklist 18: the UI comes from our own protocol, from the packaged files, never a remote URL.
  protocol.handle('app', async (request) => {
    const url = new URL(request.url);
    const asset = url.host === 'narwhal' ? await loadAsset(rendererDir, url.pathname) : null;
    if (!asset) return new Response('Not found', { status: 404, headers: securityHeaders([]) });
    return new Response(new Uint8Array(asset.body), { headers: { 'Content-Type': asset.contentType, ...securityHeaders([]) } });
  });

  // Checklist 5: the page may ask for no permission (camera, notifications, ...).
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);

  const binding = bindIpc(ipcMain, (send) => narwhal.server.connect(send));

  const quitGuard = installQuitGuard(app, narwhal.jobs, (running) => {
    const question = quitQuestion(running);
    const answer = dialog.showMessageBoxSync({ type: 'question', ...question, defaultId: 0, cancelId: 0, noLink: true });
    return answer === 1;
  });

  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    title: 'Narwhal',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
    },
  });
  ours.window = window;
  window.on('close', quitGuard.onWindowClose);
  binding.attach(window);

  // Checklist 13-14: no navigation away from the app and no new windows.
  window.webContents.on('will-navigate', (event, url) => {
    if (!url.startsWith(`${appOrigin}/`)) event.preventDefault();
  });
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  window.webContents.on('will-attach-webview', (event) => event.preventDefault());

  await window.loadURL(`${appOrigin}/index.html`);
}

app.on('window-all-closed', () => app.quit());
main().catch((e: unknown) => {
  console.error(e);
  app.exit(1);
});

import path from 'node:path';
import { buildFixtureClosure, nixCopyToFile } from '../scripts/testbed/nix';
import { addFolderCache, expect, rowNames, shot, test, ui } from './fixtures';

test('a folder cache that real Nix wrote lists its store paths by name', async ({ app, workDir }) => {
  const closure = await buildFixtureClosure('e2e-folder');
  const dir = path.join(workDir, 'nix-folder-cache');
  await nixCopyToFile(dir, [closure.top], { compression: 'zstd' });

  await addFolderCache(app, 'Nix folder', dir);
  await expect(ui.testStatus(app)).toContainText('Nix cache OK');
  await expect(ui.pathCount(app)).toHaveText(`${closure.all.length} paths`);
  const names = await rowNames(ui.pathList(app));
  expect(names.sort()).toEqual(closure.all.map((p) => p.slice('/nix/store/'.length + 33)).sort());

  // A name search finds the path by its name (names come from the index, all of them).
  const top = closure.top;
  await ui.filter(app).fill('-top');
  await expect(ui.pathCount(app)).toHaveText(`1 of ${closure.all.length} paths`);
  await expect(ui.pathRows(app)).toHaveCount(1);
  await expect(ui.pathRows(app)).toContainText(top.slice('/nix/store/'.length + 33));
  await shot(app, 'folder-nix-written');
});

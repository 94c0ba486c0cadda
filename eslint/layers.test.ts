import { RuleTester } from 'eslint';
import { describe, it } from 'vitest';
import plugin from './layers.js';

// RuleTester reports through the test framework's describe/it.
RuleTester.describe = describe;
RuleTester.it = it;

const tester = new RuleTester({ languageOptions: { ecmaVersion: 2022, sourceType: 'module' } });
const at = (path: string) => `${process.cwd()}/${path}`;

tester.run('narwhal/layers', plugin.rules.layers, {
  valid: [
    { filename: at('shared/api/client.ts'), code: "import { x } from './errors'; import { z } from 'zod';" },
    { filename: at('electron/services/caches/cache-service.ts'), code: "import { x } from '../../../shared/api/errors'; import { readFile } from 'node:fs/promises';" },
    { filename: at('electron/serve/browser-shell.ts'), code: "import { startNarwhal } from '../services/narwhal';" },
    { filename: at('electron/cli/commands/serve.ts'), code: "import { startBrowserShell } from '../../serve/browser-shell';" },
    { filename: at('electron/app/main.ts'), code: "import { app } from 'electron'; import { startNarwhal } from '../services/narwhal';" },
    { filename: at('renderer/src/features/x.ts'), code: "import { parseStoreUrl } from '../../../shared/caches/store-url'; import React from 'react';" },
    { filename: at('shared/nix/nix32.test.ts'), code: "import { execFileSync } from 'node:child_process';" },
  ],
  invalid: [
    { filename: at('shared/nix/narinfo.ts'), code: "import { readFile } from 'node:fs';", errors: [{ message: 'shared may not use Node\'s "node:fs": it must run without Node.' }] },
    { filename: at('shared/nix/narinfo.ts'), code: "import { x } from '../../electron/services/narwhal';", errors: [{ message: /shared may not import from services/ }] },
    { filename: at('shared/api/x.ts'), code: "import React from 'react';", errors: [{ message: /UI-free/ }] },
    { filename: at('electron/services/narwhal.ts'), code: "import { app } from 'electron';", errors: [{ message: /Only electron\/app\/ may import "electron"/ }] },
    { filename: at('electron/services/narwhal.ts'), code: "import { x } from '../serve/browser-shell';", errors: [{ message: /services may not import from shell/ }] },
    { filename: at('renderer/src/main.tsx'), code: "import { x } from '../../electron/services/narwhal';", errors: [{ message: /renderer may not import from services/ }] },
    { filename: at('renderer/src/main.tsx'), code: "import { ipcRenderer } from 'electron';", errors: [{ message: /Only electron\/app\// }] },
    { filename: at('renderer/src/main.tsx'), code: "import fs from 'fs';", errors: [{ message: /renderer may not use Node's "fs"/ }] },
    { filename: at('electron/app/main.ts'), code: "import { x } from '../cli/main';", errors: [{ message: /glue may not import from cli/ }] },
    { filename: at('electron/services/x.ts'), code: "export * from '../app/ipc-binding';", errors: [{ message: /services may not import from glue/ }] },
  ],
});

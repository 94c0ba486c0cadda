import { parseArgs } from 'node:util';
import { CacheService } from '../../services/caches/cache-service';
import { resolveDataDir } from '../../services/settings/data-dir';
import type { CliCommand } from '../io';
import { writeLine } from '../io';

/** `narwhal caches [--json] [--data-dir DIR]`: the saved connections, the selected one marked with '*'. */
export const caches: CliCommand = async (argv, io) => {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, 'data-dir': { type: 'string' } } });
  const service = new CacheService({ dataDir: resolveDataDir({ flag: values['data-dir'], env: io.env }), env: io.env });
  await service.start();
  for (const notice of service.notices) writeLine(io.stderr, `${notice.level}: ${notice.message}`);
  const { caches: list, selectedId } = service.list();
  if (values.json) writeLine(io.stdout, JSON.stringify(list.map(({ id, name, storeUrl, builtIn }) => ({ id, name, storeUrl, builtIn, selected: id === selectedId }))));
  else for (const c of list) writeLine(io.stdout, `${c.id === selectedId ? '*' : ' '} ${c.name}\t${c.storeUrl}`);
  return 0;
};

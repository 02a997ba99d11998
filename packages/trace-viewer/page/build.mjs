// Builds the viewer's web page into dist/page/: index.html and style.css as they are, main.ts
// bundled into one script. The viewer serves these files itself (src/page.ts).
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const here = import.meta.dirname;
const out = join(here, '..', 'dist', 'page');
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'assets'), { recursive: true });
copyFileSync(join(here, 'index.html'), join(out, 'index.html'));
copyFileSync(join(here, 'style.css'), join(out, 'assets', 'style.css'));
await build({
  entryPoints: [join(here, 'main.ts')],
  outfile: join(out, 'assets', 'main.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  logLevel: 'warning',
});

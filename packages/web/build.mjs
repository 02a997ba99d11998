// Builds the page into dist/: index.html and style.css as they are, src/main.ts bundled with its
// OpenTelemetry packages into one script. Nothing is fetched at run time, from a CDN or elsewhere.
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { build } from 'esbuild';

// The browser has no environment: its service name is fixed when the page is built. As for the
// services, OTEL_SERVICE_NAME wins, and the default is the package's own name (@dogbook/web -> web).
const { name } = JSON.parse(readFileSync('package.json', 'utf8'));
const serviceName = process.env.OTEL_SERVICE_NAME || name.replace(/^@[^/]+\//, '');

rmSync('dist', { recursive: true, force: true });
mkdirSync('dist/assets', { recursive: true });
copyFileSync('src/index.html', 'dist/index.html');
copyFileSync('src/style.css', 'dist/assets/style.css');
await build({
  entryPoints: ['src/main.ts'],
  outfile: 'dist/assets/main.js',
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: 'linked',
  define: { SERVICE_NAME: JSON.stringify(serviceName) },
  logLevel: 'warning',
});
const kib = (file) => `${(statSync(file).size / 1024).toFixed(1)} KiB`;
console.log(`@dogbook/web: dist/assets/main.js ${kib('dist/assets/main.js')} (service name ${serviceName})`);

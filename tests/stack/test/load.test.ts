import { describe, expect, test } from 'vitest';
import { commandOf, type ComposeFile, environmentOf, loadCompose } from '@dogbook/stack/compose';
import { optInServices } from '../src/compose';
import { optInProblems } from '../src/compose-checks';
import { copyOf, readJson, readRepoFile } from '../src/files';

const compose = loadCompose();
const load = compose.services.load!;

describe('the load generator in docker-compose.yml (profile load)', () => {
  test('when `docker compose up` starts the stack, then the generator stays out: it runs only under --profile load', () => {
    expect(optInServices(compose)).toEqual(['load']);
    expect(load.profiles).toEqual(['load']);
  });

  test('when an opt-in service runs, then it publishes nothing, is read-only, has an init and a memory limit, and nothing needs it', () => {
    expect(optInProblems(compose)).toEqual([]);
  });

  test('when the generator is published, writable or root, or a default service needs it, then the opt-in check names each', () => {
    const broken = copyOf(compose) as ComposeFile;
    broken.services.load!.ports = ['127.0.0.1:9999:9999'];
    broken.services.load!.read_only = false;
    broken.services.load!.user = 'root';
    broken.services.nginx!.depends_on = { ...(broken.services.nginx!.depends_on as object), load: { condition: 'service_started' } };

    expect(optInProblems(broken)).toEqual([
      'nginx needs load, which only runs under --profile',
      'load is opt-in but publishes ports',
      'load has a writable filesystem (read_only: true)',
      'load runs as root',
    ]);
  });

  test('when the generator is built, then it is the workspace package @dogbook/load from the Dockerfile, run by its own start script', () => {
    const build = typeof load.build === 'object' ? load.build : {};
    expect(build.context).toBe('.');
    expect(build.args?.SERVICE).toBe('load');
    const pkg = readJson<{ name: string; scripts: { start: string } }>('packages/load/package.json');
    expect(pkg.name).toBe('@dogbook/load');
    // Exec form, so node gets SIGTERM from the init and prints its summary to `docker compose logs`.
    expect(Array.isArray(load.command)).toBe(true);
    expect(commandOf(load)).toEqual(pkg.scripts.start.split(' '));
  });

  test('when it sends requests, then they go to nginx on the port nginx listens on, once nginx is healthy', () => {
    const nginxPort = environmentOf(compose.services.nginx!).NGINX_PORT;
    expect(environmentOf(load).DOGBOOK_URL).toBe(`http://nginx:${nginxPort}`);
    expect(load.depends_on).toEqual({ nginx: { condition: 'service_healthy' } });
  });

  test('when its settings are not given in the shell, then compose leaves them unset, so the defaults its README documents apply', () => {
    const environment = load.environment as Record<string, unknown>;
    const passedThrough = Object.keys(environment)
      .filter((key) => environment[key] === null)
      .sort();
    const documented = [...readRepoFile('packages/load/README.md').matchAll(/^\| `(LOAD_[A-Z_]+)` \|/gm)].map((m) => m[1]).sort();
    expect(documented.length).toBeGreaterThan(0);
    expect(passedThrough).toEqual(documented);
  });

  test('when a run with LOAD_DURATION_S ends, then compose does not start it again', () => {
    expect(load.restart ?? 'no').toBe('no');
  });
});

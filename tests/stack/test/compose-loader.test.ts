import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { parseDocument } from 'yaml';
import { loadCompose } from '@dogbook/stack/compose';
import { composeFileSets, profilesOf, publishedPorts, runCompose } from '../src/compose-loader';
import { readRepoFile } from '../src/files';
import { goTool } from '../src/go-tools';

const fileSets = composeFileSets().map((files) => [files.join(' + '), files] as const);

/** The host-port variables the file documents, `${DOGBOOK_PORT:-8080}`, with their defaults. */
const portVariables = new Map(
  Object.values(loadCompose().services)
    .flatMap((service) => service.ports ?? [])
    .flatMap((port) => [...String(port).matchAll(/\$\{([A-Z][A-Z0-9_]*):-(\d+)\}/g)].map((m) => [m[1]!, m[2]!] as const)),
);

/** What `--profile` flags turn on: nothing, each profile alone, every profile at once. */
const profileChoices = (files: readonly string[]) => {
  const profiles = profilesOf([...files]);
  return [[], ...profiles.map((profile) => [profile]), profiles];
};

describe("docker-compose.yml through Compose's own loader", () => {
  test('when docker-compose has not been built, then the check fails with the command that builds it', () => {
    const emptyCache = mkdtempSync(join(tmpdir(), 'dogbook-no-compose-'));
    try {
      expect(() => goTool('docker-compose', { ...process.env, XDG_CACHE_HOME: emptyCache })).toThrow(
        /^docker-compose is not built yet: run scripts\/go-tools\.sh build \(builds it into .*compose-v[\d.]+;/,
      );
    } finally {
      rmSync(emptyCache, { recursive: true, force: true });
    }
  });

  test.each(fileSets)('when Compose loads %s, with no profile and with each profile, then it accepts it without a warning', (_, files) => {
    const choices = profileChoices(files);
    expect(choices.length).toBeGreaterThan(2);
    for (const profiles of choices) {
      const loaded = runCompose([...files], [...profiles.flatMap((p) => ['--profile', p]), 'config', '--quiet']);
      expect({ profiles, status: loaded.status, stderr: loaded.stderr }).toEqual({ profiles, status: 0, stderr: '' });
    }
  });

  test.each(fileSets)(
    'when %s runs with every profile, then only nginx and Grafana are published, on 127.0.0.1 at their default ports',
    (_, files) => {
      expect([...portVariables.keys()].sort()).toEqual(['DOGBOOK_GRAFANA_PORT', 'DOGBOOK_PORT']);
      const ports = publishedPorts([...files], profilesOf([...files]));
      expect(ports.sort((a, b) => a.service.localeCompare(b.service))).toEqual([
        { service: 'grafana', host_ip: '127.0.0.1', published: portVariables.get('DOGBOOK_GRAFANA_PORT'), target: 3000 },
        { service: 'nginx', host_ip: '127.0.0.1', published: portVariables.get('DOGBOOK_PORT'), target: 8080 },
      ]);
    },
  );

  test.each(fileSets)(
    'when the host-port variables name other ports, then %s publishes nginx and Grafana there, on 127.0.0.1 alone',
    (_, files) => {
      const moved = Object.fromEntries([...portVariables].map(([name, port]) => [name, String(Number(port) + 10_000)]));
      const ports = publishedPorts([...files], profilesOf([...files]), moved);
      expect(ports.sort((a, b) => a.service.localeCompare(b.service))).toEqual([
        { service: 'grafana', host_ip: '127.0.0.1', published: moved.DOGBOOK_GRAFANA_PORT, target: 3000 },
        { service: 'nginx', host_ip: '127.0.0.1', published: moved.DOGBOOK_PORT, target: 8080 },
      ]);
    },
  );
});

describe("Compose's loader catches a broken copy", () => {
  const scratch = mkdtempSync(join(tmpdir(), 'dogbook-compose-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  /** docker-compose.yml with one edit, checked by `config --quiet`. */
  function load(edit: (doc: ReturnType<typeof parseDocument>) => void) {
    const doc = parseDocument(readRepoFile('docker-compose.yml'), { merge: true });
    edit(doc);
    const file = join(scratch, 'docker-compose.yml');
    writeFileSync(file, String(doc));
    return runCompose([file], ['config', '--quiet']);
  }

  test('when a service key is misspelt, then Compose refuses the file and names the key', () => {
    const loaded = load((doc) => doc.setIn(['services', 'tempo', 'healtcheck'], { test: ['CMD', 'true'] }));
    expect(loaded.status).not.toBe(0);
    expect(loaded.stderr).toMatch(/services\.tempo\.healtcheck false schema/);
  });

  test('when a value has the wrong type, then Compose refuses the file and says which type it wants', () => {
    // A duration written as a bare number: Compose wants `5s`.
    const loaded = load((doc) => doc.setIn(['services', 'nginx', 'healthcheck', 'interval'], 5));
    expect(loaded.status).not.toBe(0);
    expect(loaded.stderr).toMatch(/services\.nginx\.healthcheck\.interval must be a string/);
  });

  test('when a host port is out of range, then Compose refuses it', () => {
    const loaded = load((doc) => doc.setIn(['services', 'grafana', 'ports'], ['127.0.0.1:70000:3000']));
    expect(loaded.status).not.toBe(0);
    expect(loaded.stderr).toMatch(/invalid hostPort: 70000/);
  });

  test('when a top-level key is unknown, then Compose refuses the file and names it', () => {
    const loaded = load((doc) => doc.set('volume', { 'tempo-data': null }));
    expect(loaded.status).not.toBe(0);
    expect(loaded.stderr).toMatch(/additional properties 'volume' not allowed/);
  });

  test('when a literal $ is not written $$, then Compose warns that it read an unset variable', () => {
    const loaded = load((doc) => doc.setIn(['services', 'nginx', 'environment', 'NGINX_NOTE'], '$upstream_addr'));
    expect(loaded.stderr).toMatch(/The \\"upstream_addr\\" variable is not set\. Defaulting to a blank string/);
  });
});

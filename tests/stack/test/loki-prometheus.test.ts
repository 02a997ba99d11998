import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { commandOf, loadCompose } from '@dogbook/stack/compose';
import { repoPath } from '../src/files';
import { loadCollector, loadLoki } from '../src/stack-configs';

const compose = loadCompose();

function findPromtool(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/local/bin'];
  return dirs.map((dir) => join(dir, 'promtool')).find((path) => existsSync(path));
}

/**
 * promtool is Prometheus' own validator (Debian: `apt-get install prometheus`). In CI it is part of
 * the machine, so its absence fails the run; elsewhere the check is skipped and says so.
 */
function promtoolOrSkip(): string | undefined {
  const promtool = findPromtool();
  if (promtool) return promtool;
  const message = 'promtool was not found, so prometheus.yaml cannot be validated (Debian: apt-get install prometheus).';
  if (process.env.CI) throw new Error(`${message} It is required in CI.`);
  console.warn(`SKIPPED: ${message}`);
  return undefined;
}

const promtool = promtoolOrSkip();

describe('prometheus.yaml', () => {
  test.skipIf(!promtool)('when promtool checks the configuration, then Prometheus would accept it', () => {
    const output = execFileSync(promtool!, ['check', 'config', repoPath('prometheus.yaml')], {
      encoding: 'utf8',
      timeout: 10_000,
    });
    expect(output).toMatch(/SUCCESS/);
  });

  test.skipIf(!promtool)('when the configuration is broken, then promtool rejects it', () => {
    expect(() =>
      execFileSync(promtool!, ['check', 'config', repoPath('loki.yaml')], { encoding: 'utf8', timeout: 10_000, stdio: 'pipe' }),
    ).toThrow();
  });

  test("when Tempo's metrics-generator writes span metrics with trace ids, then Prometheus accepts remote writes and keeps exemplars", () => {
    expect(commandOf(compose.services.prometheus!)).toEqual(
      expect.arrayContaining(['--web.enable-remote-write-receiver', '--enable-feature=exemplar-storage']),
    );
  });
});

describe('loki.yaml', () => {
  const loki = loadLoki();

  test('when the collector pushes OTLP logs, then Loki can store their trace ids as structured metadata', () => {
    const newest = loki.schema_config?.configs?.at(-1);
    expect(newest).toMatchObject({ store: 'tsdb', schema: 'v13' });
    expect(loki.limits_config?.allow_structured_metadata).not.toBe(false);
  });

  test('when the collector pushes without a tenant header, then Loki runs single-tenant', () => {
    const headers = (loadCollector().exporters?.['otlp_http/loki'] as { headers?: Record<string, string> })?.headers ?? {};
    expect('X-Scope-OrgID' in headers || loki.auth_enabled === false).toBe(true);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readRepoFile } from '../src/files';
import { KUSTOMIZE, RENDER_ARGS, renderManifests } from '../src/render';

describe('rendering deploy/kubernetes', () => {
  test('when kustomize has not been built, then the render fails with the command that builds it', () => {
    const emptyCache = mkdtempSync(join(tmpdir(), 'dogbook-no-kustomize-'));
    try {
      expect(() => renderManifests({ ...process.env, XDG_CACHE_HOME: emptyCache })).toThrow(
        /kustomize is not built yet: run scripts\/go-tools\.sh build \(builds it into .*kustomize-v[\d.]+;/,
      );
    } finally {
      rmSync(emptyCache, { recursive: true, force: true });
    }
  });

  test('when `pnpm k8s:render` runs, then it is the same kustomize build the tests render', () => {
    const scripts = JSON.parse(readRepoFile('package.json')).scripts as Record<string, string>;
    expect(scripts['k8s:render']).toBe([KUSTOMIZE, ...RENDER_ARGS].join(' '));
  });
});

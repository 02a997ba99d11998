import { describe, expect, test } from 'vitest';
import { isExactVersionTag } from '../src/compose-checks';
import { execForm, instructionsOf, stagesOf } from '../src/dockerfile';
import { environmentOf, imageParts, loadCompose } from '@dogbook/stack/compose';
import { builtServices } from '../src/compose';
import { readJson, readRepoFile } from '../src/files';

const dockerfile = readRepoFile('Dockerfile');
const stages = stagesOf(dockerfile);
const build = stages[0]!;
const runtime = stages.at(-1)!;
const gateway = stages.find((stage) => stage.name === 'gateway')!;
const runsIn = (stage: typeof build) => stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);

describe('Dockerfile', () => {
  test('when an image is built, then both Node stages start from the same exactly pinned Node, the one .node-version names', () => {
    expect(stages.map((stage) => stage.name)).toEqual(['build', 'gateway', undefined]);
    const { repository, tag } = imageParts(build.from);
    expect(repository).toBe('node');
    expect(isExactVersionTag(tag)).toBe(true);
    expect(tag!.split('-')[0]).toBe(readRepoFile('.node-version').trim());
    expect(runtime.from).toBe(build.from);
  });

  test('when pnpm 12 is installed in the builder, then the base image is a glibc one, for which pnpm publishes binaries', () => {
    expect(imageParts(build.from).tag).not.toMatch(/alpine/);
  });

  test('when dependencies are installed, then pnpm is the packageManager version and the lockfile is frozen', () => {
    const packageManager = readJson<{ packageManager: string }>('package.json').packageManager;
    const runs = runsIn(build).join('\n');
    expect(runs).toContain(`npm install --global ${packageManager}`);
    expect(runs).toMatch(/pnpm install --frozen-lockfile/);
    expect(runs).toMatch(/pnpm --filter "@dogbook\/\$\{SERVICE\}" deploy --prod \/deploy/);
  });

  test('when the runtime image is assembled, then it holds only the deployed folder, built in the first stage', () => {
    const copies = runtime.instructions.filter((i) => i.keyword === 'COPY').map((i) => i.args);
    expect(copies).toEqual([`--from=${build.name} /deploy ./`]);
    expect(runsIn(runtime)).toEqual([]);
  });

  test("when the gateway image is built, then it is the exactly pinned unprivileged nginx with the page's built files alone, where compose's WEB_ROOT says", () => {
    const { repository, tag } = imageParts(gateway.from);
    expect(repository).toBe('nginxinc/nginx-unprivileged');
    expect(isExactVersionTag(tag)).toBe(true);
    const nginx = loadCompose().services.nginx!;
    expect(nginx.build).toEqual({ context: '.', target: 'gateway', args: { SERVICE: 'web' } });
    expect(readJson<{ name: string }>('packages/web/package.json').name).toBe('@dogbook/web');
    const copies = gateway.instructions.filter((i) => i.keyword === 'COPY').map((i) => i.args);
    expect(copies).toEqual([`--from=${build.name} /deploy/dist ${environmentOf(nginx).WEB_ROOT}`]);
    // Nothing runs in it, and it keeps the image's own unprivileged user.
    expect(gateway.instructions.map((i) => i.keyword).filter((k) => k === 'RUN' || k === 'USER')).toEqual([]);
  });

  test('when the container runs, then it runs as the unprivileged node user', () => {
    const users = runtime.instructions.filter((i) => i.keyword === 'USER').map((i) => i.args);
    expect(users).toEqual(['node']);
  });

  test("when the container starts, then CMD is the exec form of each service's own start script, tracing preloaded", () => {
    const cmd = runtime.instructions.filter((i) => i.keyword === 'CMD').map((i) => execForm(i.args));
    expect(cmd).toEqual([['node', '--require', '@dogbook/tracing/register', 'dist/server.js']]);
    for (const name of builtServices(loadCompose())) {
      const { scripts } = readJson<{ scripts: { start: string } }>(`services/${name}/package.json`);
      expect(scripts.start.split(' '), name).toEqual(cmd[0]);
    }
  });

  test('when the build context is sent, then local installs and builds stay out of it', () => {
    const ignored = readRepoFile('.dockerignore')
      .split('\n')
      .map((l) => l.trim());
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', '.git']));
  });

  test('when BuildKit reads the Dockerfile, then it pulls no floating frontend image (no `# syntax=` line)', () => {
    expect(dockerfile).not.toMatch(/^#\s*syntax=/m);
  });

  test('when the Dockerfile is parsed, then every instruction is one Docker knows', () => {
    const known = new Set([
      'FROM',
      'ARG',
      'ENV',
      'RUN',
      'COPY',
      'ADD',
      'WORKDIR',
      'USER',
      'EXPOSE',
      'CMD',
      'ENTRYPOINT',
      'LABEL',
      'HEALTHCHECK',
      'STOPSIGNAL',
      'SHELL',
      'VOLUME',
      'ONBUILD',
    ]);
    expect(
      instructionsOf(dockerfile)
        .map((i) => i.keyword)
        .filter((k) => !known.has(k)),
    ).toEqual([]);
  });
});

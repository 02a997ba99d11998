import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';

const packageDir = join(__dirname, '..');
const root = join(packageDir, '..', '..');
const tracked = (...patterns: string[]) =>
  execFileSync('git', ['ls-files', '--', ...patterns], { cwd: root, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);

/** remark-cli with remark-validate-links (remarkrc.mjs): exit status and what it printed. */
function checkLinks(files: string[]) {
  const result = spawnSync(
    join(packageDir, 'node_modules', '.bin', 'remark'),
    ['--quiet', '--frail', '--no-stdout', '--no-color', '--rc-path', 'remarkrc.mjs', ...files],
    { cwd: packageDir, encoding: 'utf8' },
  );
  return { status: result.status, report: `${result.stdout}${result.stderr}` };
}

describe('links in the documentation', () => {
  const documents = [...tracked('README.md', 'CONTRIBUTING.md', 'docs/*.md', 'workshop/*.md', '*/README.md', '*/*/README.md')].filter(
    (file, index, all) => all.indexOf(file) === index,
  );

  test('when the README, docs/, workshop/ and every package README are read, then every relative link resolves', () => {
    expect(documents).toEqual(expect.arrayContaining(['README.md', 'docs/performance.md', 'workshop/README.md']));
    const { status, report } = checkLinks(documents.map((file) => relative(packageDir, join(root, file))));
    expect(report).toBe('');
    expect(status).toBe(0);
  });

  const scratch = mkdtempSync(join(tmpdir(), 'dogbook-links-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  test('when a page links to a missing file or heading, then the check names it and fails', () => {
    writeFileSync(join(scratch, 'other.md'), '# Other\n');
    writeFileSync(join(scratch, 'page.md'), '# Page\n\n[gone](gone.md) and [nowhere](other.md#nowhere)\n');
    const { status, report } = checkLinks([join(scratch, 'page.md'), join(scratch, 'other.md')]);
    expect(report).toContain('Cannot find file `gone.md`');
    expect(report).toContain('Cannot find heading for `#nowhere`');
    expect(status).not.toBe(0);
  });
});

describe('the front door', () => {
  test('when a newcomer opens README.md, then it is at most 150 lines and shows both commands on its first screen', () => {
    const lines = readFileSync(join(root, 'README.md'), 'utf8').split('\n');
    expect(lines.length).toBeLessThanOrEqual(150);
    const firstScreen = lines.slice(0, 40).join('\n');
    expect(firstScreen).toContain('./dogbook dev');
    expect(firstScreen).toContain('./dogbook test');
  });

  test('when CI runs, then it runs the README test command', () => {
    expect(readFileSync(join(root, '.ci', 'run'), 'utf8')).toMatch(/^exec \.\/dogbook test$/m);
  });
});

describe('the licence', () => {
  test('when the patterns are copied, then LICENSE is the Apache License 2.0', () => {
    const licence = readFileSync(join(root, 'LICENSE'), 'utf8');
    expect(licence).toContain('Apache License');
    expect(licence).toContain('Version 2.0, January 2004');
  });

  test.each(tracked('package.json', '*/package.json', '*/*/package.json'))(
    'when %s is published or copied, then it declares Apache-2.0',
    (file) => {
      expect(JSON.parse(readFileSync(join(root, file), 'utf8')).license).toBe('Apache-2.0');
    },
  );
});

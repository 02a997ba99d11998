import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CHECKS } from '../src/checks';
import { DATASOURCE_UIDS } from '../src/grafana';
import { WORKSHOP_DIR, readLabs } from '../src/labs';

const labs = readLabs();
const textOf = (file: string) => readFileSync(join(WORKSHOP_DIR, '..', file), 'utf8');

describe('the workshop text', () => {
  it("when the labs are read, then they are the labs of the presenter's agenda, in its order, numbered 1, 2, 3... as their files are", () => {
    const agenda = [...textOf('workshop/README.md').matchAll(/^\| \d:\d\d \| \[Lab (\d+): [^\]]+\]\(([^)]+\.md)\)/gm)].map(
      ([, number, file]) => ({ number: Number(number), file: `workshop/${file}` }),
    );

    expect(agenda).not.toEqual([]);
    expect(labs.map(({ number, file }) => ({ number, file }))).toEqual(agenda);
    expect(labs.map((lab) => lab.number)).toEqual(labs.map((_, index) => index + 1));
    for (const lab of labs) expect(lab.file).toMatch(new RegExp(`^workshop/0?${lab.number}-`));
  });

  it.each(labs)('when lab $number is read, then it has a goal, steps, questions, hidden hints and solution, and its check', (lab) => {
    const text = textOf(lab.file);
    const sections = [...text.matchAll(/^## (.+)$/gm)].map((match) => match[1]);

    expect(sections).toEqual(expect.arrayContaining(['Goal', 'Steps', 'Questions', 'Hints', 'Solution', 'Check your work']));
    const hints = text.slice(text.indexOf('## Hints'), text.indexOf('## Solution'));
    const solution = text.slice(text.indexOf('## Solution'), text.indexOf('## Check your work'));
    expect(hints).toMatch(/<details>\s*<summary>/);
    expect(solution).toMatch(/<details>\s*<summary>/);
    expect(text).toContain(`**Check:** \`pnpm lab check ${lab.number}\``);
    expect(text.slice(text.indexOf('## Check your work'))).toContain(`pnpm lab check ${lab.number}`);
    // Every <details> is closed, or the rest of the page would fold into it.
    expect(text.match(/<details>/g)?.length).toBe(text.match(/<\/details>/g)?.length);
  });

  it('when a lab says it needs Docker, then its check reads Grafana only, and every other lab runs on both stacks', () => {
    for (const lab of labs) {
      expect([lab.number, lab.runsOn]).toEqual([lab.number, CHECKS.get(lab.number)?.dockerOnly ? 'Docker only' : 'pnpm dev or Docker']);
    }
  });

  it.each(labs)("when lab $number's check names a step in a hint, then the lab has that step", (lab) => {
    const steps = [...textOf(lab.file).matchAll(/^### (\d+)\. /gm)].map((match) => Number(match[1]));
    const source = readFileSync(join(__dirname, '..', 'src', 'checks', `lab${lab.number}.ts`), 'utf8');
    const named = [...source.matchAll(/step (\d+)/g)].map((match) => Number(match[1]));

    expect(steps).toEqual(steps.map((_, index) => index + 1));
    expect(named.filter((step) => !steps.includes(step))).toEqual([]);
  });

  it('when the checks are listed, then there is exactly one for every lab', () => {
    expect([...CHECKS.keys()]).toEqual(labs.map((lab) => lab.number));
  });

  it("when the presenter's agenda is read, then each lab has its own minutes and the whole takes two hours", () => {
    const guide = textOf('workshop/README.md');
    const rows = [...guide.matchAll(/^\| \d:\d\d \| (.+) \| (\d+) \|$/gm)].map(([, what, minutes]) => ({
      what: what!,
      minutes: Number(minutes),
    }));

    for (const lab of labs) {
      const row = rows.find((candidate) => candidate.what.includes(`(${lab.file.replace('workshop/', '')})`));
      expect([lab.file, row?.minutes]).toEqual([lab.file, lab.minutes]);
    }
    expect(rows.reduce((sum, row) => sum + row.minutes, 0)).toBe(120);
    // Each row starts when the one before it ends.
    const starts = [...guide.matchAll(/^\| (\d):(\d\d) \|/gm)].map(([, hours, minutes]) => Number(hours) * 60 + Number(minutes));
    expect(starts).toEqual(rows.map((_, index) => rows.slice(0, index).reduce((sum, row) => sum + row.minutes, 0)));
  });

  it("when Grafana's provisioned data sources are read, then their uids are the ones the checks ask through", () => {
    const provisioned = parse(textOf('grafana/provisioning/datasources/datasources.yaml')) as {
      datasources: { type: string; uid: string }[];
    };
    const uidOf = (type: string) => provisioned.datasources.find((source) => source.type === type)?.uid;

    expect({ tempo: uidOf('tempo'), prometheus: uidOf('prometheus'), loki: uidOf('loki') }).toEqual(DATASOURCE_UIDS);
  });
});

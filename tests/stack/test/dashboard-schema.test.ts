import { describe, expect, test } from 'vitest';
import { imageParts, loadCompose } from '@dogbook/stack/compose';
import { dashboardSchemaProblems } from '../src/dashboard-schema';
import { copyOf, readJson, readRepoFile } from '../src/files';

type DashboardJson = { panels: Array<Record<string, any>>; templating: { list: Array<Record<string, unknown>> } };

const dashboard = readJson<DashboardJson>('grafana/dashboards/dogbook.json');

describe("the dashboard against Grafana's own schema (@grafana/schema)", () => {
  test('when the schema package is checked, then it is the version of the Grafana image compose runs', () => {
    const grafana = imageParts(loadCompose().services.grafana!.image!).tag;
    const schema = JSON.parse(readRepoFile('tests/stack/node_modules/@grafana/schema/package.json')) as { version: string };
    expect(schema.version).toBe(grafana);
  });

  test('when Grafana reads dogbook.json, then every key and value is one its schema knows', () => {
    expect(dashboardSchemaProblems(dashboard)).toEqual([]);
  });

  test.each([
    [
      'a variable key the schema does not have',
      (d: DashboardJson) => (d.templating.list[0]!.definition = 'label_values(x)'),
      '\'"definition"\' does not exist',
    ],
    [
      'a panel option of the wrong type',
      (d: DashboardJson) => (d.panels[1]!.options.legend.placement = 'top'),
      `Type '"top"' is not assignable`,
    ],
    ['a legend without its required calcs', (d: DashboardJson) => delete d.panels[1]!.options.legend.calcs, "Property 'calcs' is missing"],
    ['a Tempo query without filters', (d: DashboardJson) => delete d.panels[4]!.targets[0].filters, "Property 'filters' is missing"],
  ])('when the dashboard has %s, then the schema check reports it', (_, breakIt, problem) => {
    const broken = copyOf(dashboard);
    breakIt(broken);
    const problems = dashboardSchemaProblems(broken);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(problem);
  });
});

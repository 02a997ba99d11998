import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * Grafana's dashboard schema, as the @grafana/schema package (pinned to the compose image's Grafana
 * version) publishes it: TypeScript types generated from Grafana's own schema, and no runtime schema
 * (no JSON Schema, no CUE) to validate against. So the check is the TypeScript compiler's: the
 * dashboard becomes an object literal that must satisfy those types, which catches an unknown key,
 * a wrong type or a missing required field, as tsc reports them.
 *
 * Checked: the dashboard, its variables and panels (the veneer `Dashboard` type Grafana's frontend
 * uses), each panel's `options` and `fieldConfig.defaults.custom` against its panel plugin's types,
 * and Tempo queries against `TempoQuery`. Prometheus queries are not in the package (they live in
 * @grafana/prometheus), so they stay generic records.
 */
const SCHEMA = dirname(require.resolve('@grafana/schema/package.json'));
const TYPES = join(SCHEMA, 'dist', 'types');
const TSC = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');

interface Panel {
  id?: number;
  type?: string;
  options?: unknown;
  fieldConfig?: { defaults?: { custom?: unknown } };
  targets?: Array<{ datasource?: { type?: string } }>;
}

/** The panel plugin's generated types, when the package has them: `timeseries`, `nodeGraph` -> `nodegraph`. */
function panelTypes(type: string): { path: string; fieldConfig: boolean } | undefined {
  const path = join(TYPES, 'raw', 'composable', type.toLowerCase(), 'panelcfg', 'x', 'types.gen');
  if (!existsSync(`${path}.d.ts`)) return undefined;
  return { path, fieldConfig: /export interface FieldConfig\b/.test(readFileSync(`${path}.d.ts`, 'utf8')) };
}

/** The TypeScript module that states "this dashboard satisfies Grafana's types". */
export function dashboardCheckSource(dashboard: { panels?: Panel[] }): string {
  const lines = [
    `import type { Dashboard } from ${JSON.stringify(join(TYPES, 'index'))};`,
    `import type { TempoQuery } from ${JSON.stringify(join(TYPES, 'raw', 'composable', 'tempo', 'dataquery', 'x', 'types.gen'))};`,
    // JSON holds an enum's value ("markdown"), where TypeScript's string enums accept only the
    // member (TextMode.Markdown): compare each enum as the union of its values, nothing else changed.
    'type AsJson<T> = T extends string ? `${T}` : T extends readonly (infer U)[] ? AsJson<U>[] : T extends object ? { [K in keyof T]: AsJson<T[K]> } : T;',
    `export const dashboard = ${JSON.stringify(dashboard, null, 2)} satisfies AsJson<Dashboard>;`,
  ];
  for (const panel of dashboard.panels ?? []) {
    const name = `panel${panel.id}`;
    const types = panelTypes(panel.type ?? '');
    if (types) {
      lines.push(`import type * as ${name}Types from ${JSON.stringify(types.path)};`);
      if (panel.options !== undefined) {
        lines.push(`// panel ${panel.id} (${panel.type}): options`);
        lines.push(`export const ${name}Options = ${JSON.stringify(panel.options)} satisfies AsJson<${name}Types.Options>;`);
      }
      const custom = panel.fieldConfig?.defaults?.custom;
      if (custom !== undefined && types.fieldConfig) {
        lines.push(`// panel ${panel.id} (${panel.type}): fieldConfig.defaults.custom`);
        lines.push(`export const ${name}Custom = ${JSON.stringify(custom)} satisfies AsJson<${name}Types.FieldConfig>;`);
      }
    }
    (panel.targets ?? []).forEach((target, i) => {
      if (target.datasource?.type !== 'tempo') return;
      lines.push(`// panel ${panel.id}: Tempo query ${i}`);
      lines.push(`export const ${name}Target${i} = ${JSON.stringify(target)} satisfies AsJson<TempoQuery>;`);
    });
  }
  return `${lines.join('\n')}\n`;
}

/** tsc's complaints about the dashboard, one line each; none when it satisfies the schema. */
export function dashboardSchemaProblems(dashboard: { panels?: Panel[] }): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'dogbook-dashboard-check-'));
  try {
    writeFileSync(join(dir, 'dashboard.ts'), dashboardCheckSource(dashboard));
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2024',
          lib: ['es2024', 'dom'],
          types: [],
          skipLibCheck: true,
        },
        files: ['dashboard.ts'],
      }),
    );
    const result = spawnSync(process.execPath, [TSC, '-p', dir, '--pretty', 'false'], { encoding: 'utf8' });
    if (result.status === 0) return [];
    const problems = `${result.stdout}${result.stderr}`.split('\n').filter((line) => line.includes('error TS'));
    if (problems.length === 0) throw new Error(`tsc failed without a diagnostic:\n${result.stdout}${result.stderr}`);
    const source = dashboardCheckSource(dashboard).split('\n');
    // Each complaint with the line it is about, since the file is gone afterwards.
    return problems.map((line) => {
      const at = /\((\d+),\d+\)/.exec(line);
      const context = at ? source[Number(at[1]) - 1]?.trim() : undefined;
      // tsc spells out the whole expected type after "in type '{": the sentence before it says enough.
      const message = line.replace(/^.*?dashboard\.ts/, 'dashboard.ts').replace(/ (?:in )?type '\{.*$/, '');
      return `${message}${context ? `  <- ${context.slice(0, 160)}` : ''}`;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

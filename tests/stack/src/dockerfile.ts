export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  from: string;
  name: string | undefined;
  instructions: Instruction[];
}

/** Instructions in order, with `\` continuations joined and comments dropped. */
export function instructionsOf(dockerfile: string): Instruction[] {
  const logical = dockerfile
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return logical.map((line) => {
    const [keyword = '', ...rest] = line.split(/\s+/);
    return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
  });
}

/** The default of each global `ARG` (before the first FROM), used to resolve `FROM ${NODE_IMAGE}`. */
export function globalArgs(instructions: Instruction[]): Record<string, string> {
  const firstFrom = instructions.findIndex((i) => i.keyword === 'FROM');
  return Object.fromEntries(
    instructions
      .slice(0, firstFrom === -1 ? undefined : firstFrom)
      .filter((i) => i.keyword === 'ARG' && i.args.includes('='))
      .map((i) => [i.args.split('=')[0]!, i.args.slice(i.args.indexOf('=') + 1)]),
  );
}

export function stagesOf(dockerfile: string): Stage[] {
  const instructions = instructionsOf(dockerfile);
  const args = globalArgs(instructions);
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [image = '', as, name] = instruction.args.split(/\s+/);
      const resolved = image.replace(/\$\{?([A-Z_][A-Z0-9_]*)\}?/g, (_, arg: string) => args[arg] ?? `\${${arg}}`);
      stages.push({ from: resolved, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
}

/** The JSON array of an exec-form CMD/ENTRYPOINT, or undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  try {
    const parsed: unknown = JSON.parse(args);
    return Array.isArray(parsed) && parsed.every((p) => typeof p === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}

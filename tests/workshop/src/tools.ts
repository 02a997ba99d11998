import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * What the labs' commands call besides DogBook, and git, which applies lab 4's patch: a learner's
 * terminal has them, a bare CI machine may not.
 */
const LAB_TOOLS = ['bash', 'curl', 'jq', 'openssl', 'git'];

function onPath(name: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Whether the labs' commands can run here. In CI a missing tool is a broken machine and fails the
 * run; elsewhere the tests are skipped, and the run says so and why.
 */
export function labToolsAreAvailable(): boolean {
  const missing = LAB_TOOLS.filter((tool) => !onPath(tool));
  if (missing.length === 0) return true;
  const message = `this machine lacks ${missing.join(', ')}, which the labs' commands use, so the workshop tests are skipped.`;
  if (process.env.CI) throw new Error(`${message} CI needs them (Debian: apt-get install ${missing.join(' ')}).`);
  console.warn(`workshop tests skipped: ${message}`);
  return false;
}

import { missingTools } from '@dogbook/nginx';

const missing = missingTools();

/**
 * Whether the tests that need real nginx can run. In CI nginx is part of the machine (`.ci/run`
 * installs it), so its absence is a broken machine and fails the run; elsewhere those tests are
 * skipped, and the run says so rather than passing quietly.
 */
export function nginxIsAvailable(consequence: string): boolean {
  if (missing.length === 0) return true;
  const message = `this machine lacks ${missing.join(' and ')}, so ${consequence}.`;
  if (process.env.CI) throw new Error(`${message} CI needs them.`);
  console.warn(`nginx tests skipped: ${message}`);
  return false;
}

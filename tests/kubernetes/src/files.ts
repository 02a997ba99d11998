import { parseAllDocuments } from 'yaml';

// The repository's files are read and parsed as the compose checks read them: one module for both.
export { copyOf, parseAddress, parseYaml, readRepoFile, readYaml, repoPath, repoRoot } from '@dogbook/stack-checks/files';

/** Every document of a multi-document YAML stream, such as kustomize's output. */
export function parseYamlStream<T>(text: string, name: string): T[] {
  return parseAllDocuments(text, { uniqueKeys: true }).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${name} is not valid YAML: ${doc.errors.map((e) => e.message).join('; ')}`);
    return doc.toJS() as T;
  });
}

/** `KEY=value` lines, as `source` and kustomize's env files read them; comments and blanks skipped. */
export function parseEnvFile(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => {
        const [key = '', ...rest] = line.split('=');
        return [
          key,
          rest
            .join('=')
            .replace(/\s+#.*$/, '')
            .trim(),
        ];
      }),
  );
}

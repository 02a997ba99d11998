/** Colour codes out, so a line can be matched as the plain text a person reads. */
export function plain(line: string): string {
  return line.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
}

/** Calls `onLine` for each complete line of a stream of text chunks. */
export function lineSplitter(onLine: (line: string) => void): { push(chunk: string): void; end(): void } {
  let rest = '';
  return {
    push(chunk) {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) onLine(line.replace(/\r$/, ''));
    },
    end() {
      if (rest) onLine(rest);
      rest = '';
    },
  };
}

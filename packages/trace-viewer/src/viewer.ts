import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TraceAssembler } from './assembler';
import { createReceiverApp } from './receiver';
import type { Trace } from './trace';
import { renderWaterfall } from './waterfall';

/** The standard OTLP/HTTP port: an exporter left at its default endpoint reaches the viewer. */
export const DEFAULT_PORT = 4318;
/** Memory for kept spans, as the viewer estimates it: room for a workshop's day of traces. */
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
/** Traces kept at most, whatever they weigh. */
export const DEFAULT_MAX_TRACES = 10_000;

export interface TraceViewerOptions {
  /** Default 4318, the standard OTLP/HTTP port, so a default exporter reaches the viewer. 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1: a tool for one laptop, not for the network. */
  host?: string;
  /**
   * Memory the kept spans may take, estimated from their strings. Default DEFAULT_MAX_BYTES. When it
   * runs out, the learner (or `pnpm load`) holding the most loses its oldest printed trace first.
   */
  maxBytes?: number;
  /** Traces kept at most, forgotten the same way. Default DEFAULT_MAX_TRACES. */
  maxTraces?: number;
  /** A trace is printed once no span for it has arrived for this long. Default 1500 ms. */
  quietMs?: number;
  /**
   * What to do with each finished trace's waterfall: true (the default) writes it to stdout, in
   * colour when stdout is a terminal and NO_COLOR is unset; false prints nothing; a function
   * receives the uncoloured text.
   */
  print?: boolean | ((waterfall: string, trace: Trace) => void);
}

export interface TraceViewer {
  url: string;
  port: number;
  traces(): Trace[];
  trace(traceId: string): Trace | undefined;
  close(): Promise<void>;
}

/**
 * Colour only for a terminal; hasColors() also honours NO_COLOR, FORCE_COLOR and TERM=dumb. Under
 * pnpm dev stdout is a pipe to a terminal: the supervisor says so with FORCE_COLOR.
 */
function stdoutWantsColor(): boolean {
  if (process.stdout.isTTY) return process.stdout.hasColors();
  const force = process.env.FORCE_COLOR;
  return force !== undefined && force !== '0' && !process.env.NO_COLOR;
}

export async function startTraceViewer(options: TraceViewerOptions = {}): Promise<TraceViewer> {
  const {
    port = DEFAULT_PORT,
    host = '127.0.0.1',
    maxBytes = DEFAULT_MAX_BYTES,
    maxTraces = DEFAULT_MAX_TRACES,
    quietMs = 1500,
    print = true,
  } = options;
  const color = print === true && stdoutWantsColor();

  const assembler = new TraceAssembler({
    maxBytes,
    maxTraces,
    quietMs,
    onFinished: (trace, update) => {
      if (print === false) return;
      const note = update ? '(updated: spans arrived after it was printed)' : undefined;
      // Under pnpm dev stdout is a pipe: the supervisor passes the terminal's width on as COLUMNS.
      const columns = process.stdout.columns || Number(process.env.COLUMNS) || undefined;
      const waterfall = renderWaterfall(trace, { color, note, columns: print === true ? columns : undefined });
      if (print === true) process.stdout.write(`\n${waterfall}`);
      else print(waterfall, trace);
    },
  });

  const server = createServer(createReceiverApp(assembler));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`,
    port: actualPort,
    traces: () => assembler.traces(),
    trace: (traceId) => assembler.trace(traceId.toLowerCase()),
    close: async () => {
      assembler.close();
      const closed = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
      // Exporters keep their connections alive; waiting for them to time out would stall the exit.
      server.closeAllConnections();
      await closed;
    },
  };
}

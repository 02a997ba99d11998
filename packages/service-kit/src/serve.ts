import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Express } from 'express';
import { shutdownTracing } from '@dogbook/tracing';
import type { Logger } from './logger';
import { markShuttingDown } from './service-app';

/** `docker stop` sends SIGKILL 10 s after SIGTERM: draining and flushing must both fit before it. */
const DRAIN_DEADLINE_MS = 5_000;
const FLUSH_DEADLINE_MS = 3_000;

/** What Node itself would answer a request it cannot parse, now with a body. */
const PARSE_ERRORS: Record<string, [status: number, message: string]> = {
  HPE_HEADER_OVERFLOW: [431, 'request headers too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'the request took too long to arrive'],
};

/**
 * A request Node cannot parse (an unknown method, headers over 16 KiB) never reaches Express, and
 * Node's own answer has no body. Answer it in the same JSON as every other error. There is no
 * trace id: no span starts for a request that was never read.
 */
function answerUnparsableRequest(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, message] = PARSE_ERRORS[error.code ?? ''] ?? [400, 'the request could not be parsed as HTTP'];
  const body = JSON.stringify({ error: message });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * Listens on `host`:`port` and owns shutdown, the one place that handles SIGTERM and SIGINT:
 * stop accepting connections, let in-flight requests finish, flush spans, exit.
 */
export function serve(app: Express, port: number, logger: Logger, host = '0.0.0.0'): Server {
  const server = app.listen(port, host, () => {
    logger.info({ host, port }, 'listening');
  });
  // Longer than the idle timeout of the keep-alive clients in front (nginx, kennels), so a client
  // never reuses a connection the server is just closing.
  server.keepAliveTimeout = 65_000;
  server.on('clientError', answerUnparsableRequest);

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    markShuttingDown(app);

    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // close() drops idle keep-alive connections once; connections busy now go idle when their
    // response is sent, so keep closing idle ones until the server is empty.
    const reaper = setInterval(() => server.closeIdleConnections(), 100);
    const drainDeadline = setTimeout(() => server.closeAllConnections(), DRAIN_DEADLINE_MS);
    await closed;
    clearInterval(reaper);
    clearTimeout(drainDeadline);

    const flushed = await shutdownTracing(FLUSH_DEADLINE_MS);
    logger.info({ flushed }, 'stopped');
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return server;
}

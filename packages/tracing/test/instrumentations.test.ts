import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { afterEach, describe, expect, it } from 'vitest';
import { createInstrumentations } from '../src/instrumentations';

/** Builds the instrumentations with the variables set as given (unset when undefined), then restores them. */
function instrumentationsWith(env: Record<string, string | undefined>): Instrumentation[] {
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  apply(env);
  try {
    built = createInstrumentations();
    return built;
  } finally {
    apply(saved);
  }
}

const names = (instrumentations: Instrumentation[]) =>
  instrumentations.map((instrumentation) => instrumentation.instrumentationName.replace('@opentelemetry/instrumentation-', ''));

function pinoConfigWith(logsExporter: string | undefined): Record<string, unknown> {
  const pino = instrumentationsWith({ OTEL_LOGS_EXPORTER: logsExporter }).find(
    (instrumentation) => instrumentation.instrumentationName === '@opentelemetry/instrumentation-pino',
  );
  return pino!.getConfig() as Record<string, unknown>;
}

/**
 * Whether a process started with the built preload, as the services are, finds `http.request`
 * wrapped by the http instrumentation (shimmer marks its wrappers). A process of its own, because
 * modules are patched once per process, on their first require.
 */
function httpPatchedInProcessWith(env: Record<string, string>): boolean {
  const register = join(__dirname, '../dist/register.js');
  const probe = "console.log('__wrapped' in require('node:http').request)";
  const output = execFileSync(process.execPath, ['--require', register, '-e', probe], {
    env: { PATH: process.env.PATH, OTEL_TRACES_EXPORTER: 'none', ...env },
    encoding: 'utf8',
  });
  return JSON.parse(output) as boolean;
}

let built: Instrumentation[] = [];
afterEach(() => {
  for (const instrumentation of built) instrumentation.disable();
  built = [];
});

describe('the pino instrumentation', () => {
  it('when log records are not exported (OTEL_LOGS_EXPORTER unset or none), then log lines are not re-parsed to send them', () => {
    expect(pinoConfigWith(undefined)).toMatchObject({ disableLogSending: true });
    expect(pinoConfigWith('none')).toMatchObject({ disableLogSending: true });
  });

  it('when OTEL_LOGS_EXPORTER=otlp, then log lines are also sent as OTLP log records, as docker compose does', () => {
    expect(pinoConfigWith('otlp')).toMatchObject({ disableLogSending: false });
  });

  it('when log records are or are not sent, then log lines still carry the trace id (log correlation stays on)', () => {
    expect(pinoConfigWith('none').disableLogCorrelation).not.toBe(true);
    expect(pinoConfigWith('otlp').disableLogCorrelation).not.toBe(true);
  });
});

describe('which instrumentations run', () => {
  const none = { OTEL_NODE_ENABLED_INSTRUMENTATIONS: undefined, OTEL_NODE_DISABLED_INSTRUMENTATIONS: undefined };

  it('when no variable narrows them, then the four DogBook uses run: incoming and outgoing HTTP, Express and pino', () => {
    expect(names(instrumentationsWith(none)).sort()).toEqual(['express', 'http', 'pino', 'undici']);
  });

  it('when OTEL_NODE_DISABLED_INSTRUMENTATIONS names some, then all the others run', () => {
    expect(names(instrumentationsWith({ ...none, OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'pino, express' })).sort()).toEqual([
      'http',
      'undici',
    ]);
  });

  it('when OTEL_NODE_ENABLED_INSTRUMENTATIONS names some, then only those run, minus any also disabled', () => {
    expect(names(instrumentationsWith({ ...none, OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,pino' })).sort()).toEqual(['http', 'pino']);
    expect(
      names(instrumentationsWith({ OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,pino', OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'pino' })),
    ).toEqual(['http']);
  });

  // Three processes, each loading the SDK: on a busy machine that takes far longer than a test's default 5 s.
  it('when an instrumentation is disabled, then a service started with the preload loads its library unpatched', {
    timeout: 60_000,
  }, () => {
    expect(httpPatchedInProcessWith({})).toBe(true);
    expect(httpPatchedInProcessWith({ OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'http' })).toBe(false);
    expect(httpPatchedInProcessWith({ OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'pino' })).toBe(false);
  });
});

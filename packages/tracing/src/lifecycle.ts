import type { NodeSDK } from '@opentelemetry/sdk-node';

let activeSdk: NodeSDK | undefined;

export function setActiveSdk(sdk: NodeSDK): void {
  activeSdk = sdk;
}

/**
 * Flushes buffered spans and stops the SDK, giving up after `deadlineMs`: with the collector down
 * the exporter retries for longer than `docker stop` waits. Resolves to whether the flush finished.
 * Does nothing when tracing was not preloaded, so a service runs the same way without it.
 */
export async function shutdownTracing(deadlineMs: number): Promise<boolean> {
  const sdk = activeSdk;
  if (!sdk) return true;
  activeSdk = undefined;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => {
    timer = setTimeout(resolve, deadlineMs, false);
  });
  try {
    return await Promise.race([sdk.shutdown().then(() => true), deadline]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Sizes and CPU amounts in the two notations DogBook's files use. Compose's `160M` is 160 MiB
 * (Docker's units are binary); Kubernetes writes the same as `160Mi`, and `160M` there means 10^6.
 */
const COMPOSE_UNITS: Record<string, number> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };
const KUBERNETES_UNITS: Record<string, number> = {
  '': 1,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
};

export const MiB = 1024 ** 2;

export function composeBytes(value: string | number): number {
  if (typeof value === 'number') return value;
  const match = /^(\d+(?:\.\d+)?)\s*([bkmg])?i?b?$/i.exec(value.trim());
  if (!match) throw new Error(`not a compose byte value: ${value}`);
  return Number(match[1]) * COMPOSE_UNITS[(match[2] ?? 'b').toLowerCase()]!;
}

export function kubernetesBytes(value: string | number): number {
  if (typeof value === 'number') return value;
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|k|M|G)?$/.exec(value.trim());
  if (!match) throw new Error(`not a Kubernetes memory quantity: ${value}`);
  return Number(match[1]) * KUBERNETES_UNITS[match[2] ?? '']!;
}

/** `50m` -> 0.05, `1` -> 1. */
export function kubernetesCpu(value: string | number): number {
  if (typeof value === 'number') return value;
  const match = /^(\d+(?:\.\d+)?)(m)?$/.exec(value.trim());
  if (!match) throw new Error(`not a Kubernetes CPU quantity: ${value}`);
  return Number(match[1]) / (match[2] ? 1000 : 1);
}

/**
 * Sizes and CPU amounts in Kubernetes' notation: `160Mi` is compose's `160M` (composeBytes in
 * @dogbook/stack/compose), and `160M` here means 10^6.
 */
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

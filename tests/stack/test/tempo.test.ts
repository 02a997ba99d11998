import { describe, expect, test } from 'vitest';
import { imageParts, loadCompose } from '@dogbook/stack/compose';
import { copyOf, parseAddress, parseYaml } from '../src/files';
import { loadTempo, removedTempoKeys, type TempoConfig } from '../src/stack-configs';

const tempo = loadTempo();

describe('tempo.yaml', () => {
  test('when Tempo 3 parses its configuration, then it meets no key that 3.0 removed', () => {
    expect(imageParts(loadCompose().services.tempo!.image!).tag).toMatch(/^3\./);
    expect(removedTempoKeys(tempo)).toEqual([]);
  });

  test('when a 2.x tutorial configuration is used, then the removed-key check names every 2.x block', () => {
    const tutorial = parseYaml<TempoConfig>(
      [
        'ingester: {max_block_duration: 5m}',
        'compactor: {compaction: {block_retention: 1h}}',
        'metrics_generator:',
        '  traces_storage: {path: /var/tempo/generator/traces}',
        '  processor: {local_blocks: {flush_to_storage: true}}',
        'overrides:',
        '  metrics_generator_processors: [service-graphs, local-blocks]',
      ].join('\n'),
      'a 2.x tutorial',
    );
    expect(removedTempoKeys(tutorial)).toEqual([
      'tempo.yaml sets ingester, which Tempo 3 removed',
      'tempo.yaml sets compactor, which Tempo 3 removed',
      'tempo.yaml sets metrics_generator.traces_storage, which Tempo 3 removed',
      'tempo.yaml sets metrics_generator.processor.local_blocks, which Tempo 3 removed',
      'tempo.yaml sets overrides.metrics_generator_processors, which Tempo 3 removed',
    ]);
    const withLocalBlocks = copyOf(tempo);
    withLocalBlocks.overrides!.defaults!.metrics_generator!.processors!.push('local-blocks');
    expect(removedTempoKeys(withLocalBlocks)).toEqual(['tempo.yaml enables the local-blocks processor, which Tempo 3 removed']);
  });

  test('when another container sends spans, then every Tempo receiver listens on all interfaces', () => {
    const protocols = Object.entries(tempo.distributor?.receivers?.otlp?.protocols ?? {});
    expect(protocols.length).toBeGreaterThan(0);
    for (const [protocol, settings] of protocols) {
      // An empty protocol entry binds localhost since Tempo 2.7: unreachable from the collector.
      expect(settings?.endpoint, protocol).toBeDefined();
      expect(parseAddress(settings!.endpoint!).host, protocol).toBe('0.0.0.0');
    }
  });

  test('when spans arrive, then the metrics-generator makes only the service graph (the collector makes the span metrics)', () => {
    expect(tempo.overrides?.defaults?.metrics_generator?.processors).toEqual(['service-graphs']);
    expect(tempo.metrics_generator?.storage?.remote_write?.every((w) => w.send_exemplars === true)).toBe(true);
  });

  test('when overrides are set, then they use the scoped `defaults` form Tempo 3 requires', () => {
    expect(Object.keys(tempo.overrides ?? {})).toEqual(['defaults']);
  });
});

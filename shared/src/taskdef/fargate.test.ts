import { describe, expect, it } from '@jest/globals';
import { allowedMemory, checkFargateSize, parseCpu, parseMemory } from './fargate.js';

describe('Fargate task sizes', () => {
  it('lists the memory values each cpu allows, as the ECS model documents them', () => {
    expect(allowedMemory(256)).toEqual([512, 1024, 2048]);
    expect(allowedMemory(512)).toEqual([1024, 2048, 3072, 4096]);
    expect(allowedMemory(4096)).toHaveLength(23); // 8192…30720 in 1024 steps
    expect(allowedMemory(8192).at(-1)).toBe(61440);
    expect(allowedMemory(16384)).toEqual([
      32768, 40960, 49152, 57344, 65536, 73728, 81920, 90112, 98304, 106496, 114688, 122880,
    ]);
    expect(allowedMemory(300)).toEqual([]);
  });

  it('reads the "1 vCPU" and "2 GB" spellings ECS accepts on input', () => {
    expect(parseCpu('1 vCPU')).toBe(1024);
    expect(parseCpu('0.25 vcpu')).toBe(256);
    expect(parseCpu('512')).toBe(512);
    expect(parseCpu('a lot')).toBeUndefined();
    expect(parseMemory('2 GB')).toBe(2048);
    expect(parseMemory('0.5GB')).toBe(512);
    expect(parseMemory('3072 MiB')).toBe(3072);
    expect(parseMemory('2 TB')).toBeUndefined();
  });

  it('normalises a valid pair to the strings ECS returns', () => {
    expect(checkFargateSize('1 vCPU', '2 GB')).toEqual({ ok: true, cpu: '1024', memory: '2048' });
  });

  it('rejects a pair Fargate does not offer and lists the memory allowed with that cpu', () => {
    const r = checkFargateSize('256', '4096');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.field).toBe('memory');
    expect(r.fix).toContain('512, 1024, 2048');
  });

  it('rejects an unknown cpu and names the allowed cpus', () => {
    const r = checkFargateSize('300', '1024');
    expect(r).toMatchObject({ ok: false, field: 'cpu' });
    if (!r.ok) expect(r.fix).toContain('256, 512, 1024, 2048, 4096, 8192, 16384');
  });
});

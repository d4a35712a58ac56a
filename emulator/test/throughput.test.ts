// Reports the emulator's throughput figure (calls/s with the real SDK); asserts only that every call was
// answered and recorded, never a time.
import { describe, expect, it } from '@jest/globals';
import { measureThroughput } from './throughput.js';

describe('throughput figure', () => {
  it('answers and records every DescribeServices call of a 24-service world', async () => {
    const figure = await measureThroughput({ calls: 1000, concurrency: 16, services: 24 });
    console.info(
      `emulator throughput: ${figure.callsPerSecond} calls/s (${figure.calls} calls, ${figure.rssMb} MB RSS)`,
    );
    expect(figure.errors).toBe(0);
    expect(figure.calls).toBe(1000);
  });
});

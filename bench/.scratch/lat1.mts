import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { startEmulator } from '/work/main/emulator/src/index.ts';
import { AwsClients } from '/work/main/shared/src/aws/clients.ts';

const emu = await startEmulator({ throttling: false, world: { clusters: ['main'] } });
for (const [name, c] of [
  [
    'AwsClients',
    new AwsClients({
      region: 'us-east-1',
      endpoint: emu.url,
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    }).ecs,
  ],
  [
    'plain',
    new ECSClient({
      region: 'us-east-1',
      endpoint: emu.url,
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    }),
  ],
] as const) {
  for (let k = 0; k < 3; k++) {
    const t = performance.now();
    const N = 100;
    for (let i = 0; i < N; i++)
      await c.send(new DescribeServicesCommand({ cluster: 'main', services: ['x'] }));
    console.log(name, ((performance.now() - t) / N).toFixed(2), 'ms/call sequential');
  }
}
await emu.stop();

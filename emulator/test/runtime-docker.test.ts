// The live mode against a real Docker engine: tasks as containers pulled from the emulator's registry,
// the ALB as a real proxy through a rolling deploy, Cloud Map names inside containers, secrets, logs,
// real crashes and AWS's stop reasons for bad input, a real PostgreSQL behind the RDS endpoint, and
// nothing left behind. Skipped, with the reason printed, when no engine runs.
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import {
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  type ECSClient,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  type Task,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { hasImage, type LiveWorld, startLiveWorld, waitFor } from '../../harness/live-world.js';
import { type Emulator, engineAvailable } from '../src/index.js';
import { rdsOf } from '../src/rds/state.js';
import { PID_LABEL } from '../src/runtime/docker.js';
import { secretsOf } from '../src/runtime/secrets.js';

const SPEED = 10;
const SUBNETS = { awsvpcConfiguration: { subnets: ['subnet-a'] } };
const REGISTRY_ARN = 'arn:aws:servicediscovery:us-east-1:123456789012:service/srv-web';

/** What this process's emulator made: other emulators may share the engine (other test runs, demos). */
const MINE = `label=${PID_LABEL}=${process.pid}`;

const engine = await engineAvailable();
const base = engine.ok ? hasImage('cendence/base:node20') : false;
const skip = !engine.ok ? engine.reason : !base ? 'the local base image cendence/base:node20 is missing' : '';
if (skip) console.log(`skipping live runtime tests: ${skip}`);
const maybe = skip ? describe.skip : describe;

const logConfig = (prefix: string) => ({
  logDriver: 'awslogs',
  options: { 'awslogs-group': '/ecs/web', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': prefix },
});

maybe('tasks as real containers', () => {
  let emu: Emulator;
  let ecs: ECSClient;
  let registryImage: string;

  const taskDef = (over: Record<string, unknown> = {}, container: Record<string, unknown> = {}) => ({
    family: 'web',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    executionRoleArn: 'arn:aws:iam::123456789012:role/exec',
    containerDefinitions: [
      {
        name: 'web',
        image: registryImage,
        essential: true,
        portMappings: [{ containerPort: 8080 }],
        logConfiguration: logConfig('web'),
        ...container,
      },
    ],
    ...over,
  });
  const register = async (td: Record<string, unknown>) =>
    (await ecs.send(new RegisterTaskDefinitionCommand(td as never))).taskDefinition
      ?.taskDefinitionArn as string;
  const runOnce = async (td: Record<string, unknown>) => {
    const arn = await register(td);
    const out = await ecs.send(
      new RunTaskCommand({ cluster: 'main', taskDefinition: arn, networkConfiguration: SUBNETS }),
    );
    return out.tasks?.[0]?.taskArn as string;
  };
  const describeTask = async (arn: string): Promise<Task> =>
    (await ecs.send(new DescribeTasksCommand({ cluster: 'main', tasks: [arn] }))).tasks?.[0] as Task;
  const stopped = (arn: string) =>
    waitFor(`task ${arn} to stop`, async () => {
      const t = await describeTask(arn);
      return t.lastStatus === 'STOPPED' ? t : undefined;
    });
  const ours = () =>
    execFileSync('docker', ['ps', '-aq', '--filter', MINE]).toString().trim().split('\n').filter(Boolean);
  const logsOf = (taskArn: string, prefix = 'web', container = 'web') =>
    emu.world.logs.groups
      .get('/ecs/web')
      ?.streams.get(`${prefix}/${container}/${taskArn.slice(taskArn.lastIndexOf('/') + 1)}`)
      ?.events.map((e) => e.message) ?? [];

  let live: LiveWorld | undefined;
  beforeAll(async () => {
    // The image travels through the emulator's registry: docker push, and the runtime pulls it back.
    live = await startLiveWorld(
      {
        clusters: ['main'],
        logGroups: ['/ecs/web'],
        targetGroups: [
          {
            name: 'web-blue',
            port: 8080,
            healthCheckPath: '/health',
            healthCheckIntervalSeconds: 5,
            healthyThresholdCount: 2,
            deregistrationDelaySeconds: 20,
          },
        ],
        loadBalancers: [{ name: 'web-alb', listeners: [{ port: 80, forward: 'web-blue' }] }],
        discovery: [{ namespace: 'app.local', services: [{ name: 'web', arn: REGISTRY_ARN }] }],
        databases: [{ identifier: 'appdb', dbName: 'app', username: 'app' }],
        secrets: [{ name: 'web/api', value: { token: 's3cret-token' } }],
        parameters: [{ name: '/web/mode', value: 'live' }],
      },
      SPEED,
    );
    ({ emu, ecs, image: registryImage } = live);
  });

  afterAll(async () => live?.stop());

  test('a rolling deploy through the ALB: real health checks, Cloud Map names, logs, no failed request', async () => {
    const tg = [...emu.world.elbv2.targetGroups.values()][0];
    const hc = {
      command: [
        'CMD-SHELL',
        `node -e "fetch('http://127.0.0.1:8080/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"`,
      ],
      interval: 5,
      timeout: 5,
      retries: 3,
    };
    const v1 = await register(
      taskDef({}, { environment: [{ name: 'VERSION', value: 'v1' }], healthCheck: hc }),
    );
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'main',
        serviceName: 'web',
        taskDefinition: v1,
        desiredCount: 2,
        launchType: 'FARGATE',
        networkConfiguration: SUBNETS,
        loadBalancers: [{ targetGroupArn: tg.TargetGroupArn, containerName: 'web', containerPort: 8080 }],
        serviceRegistries: [{ registryArn: REGISTRY_ARN }],
      }),
    );
    const steady = async () => {
      const s = (await ecs.send(new DescribeServicesCommand({ cluster: 'main', services: ['web'] })))
        .services?.[0];
      return s?.deployments?.length === 1 && s.deployments[0].rolloutState === 'COMPLETED' ? s : undefined;
    };
    await waitFor('v1 steady', steady, 90_000).catch((err) => {
      console.log(JSON.stringify(emu.world.snapshot()).slice(0, 6000));
      throw err;
    });
    const url = emu.live?.albUrl('web-alb') as string;
    expect(await (await fetch(url)).text()).toMatch(/^v1 /);
    const targets = [...(emu.world.elbv2.targets.get(tg.TargetGroupArn)?.values() ?? [])];
    expect(targets.map((t) => t.state)).toEqual(['healthy', 'healthy']);
    // Cloud Map: the name resolves inside a container to exactly the serving tasks.
    const v1Ips = targets.map((t) => t.Id).sort();
    expect(await (await fetch(`${url}/resolve/web.app.local`)).text()).toBe(v1Ips.join(','));

    let ok = 0;
    const failures: string[] = [];
    let loading = true;
    const load = (async () => {
      while (loading) {
        try {
          const res = await fetch(url);
          await res.text();
          if (res.status === 200) ok++;
          else failures.push(String(res.status));
        } catch (err) {
          failures.push(String(err));
        }
      }
    })();
    const v2 = await register(
      taskDef({}, { environment: [{ name: 'VERSION', value: 'v2' }], healthCheck: hc }),
    );
    await ecs.send(new UpdateServiceCommand({ cluster: 'main', service: 'web', taskDefinition: v2 }));
    await waitFor(
      'v2 steady',
      async () => ((await steady())?.taskDefinition === v2 ? true : undefined),
      120_000,
    );
    await waitFor(
      'v1 drained',
      () => [...(emu.world.elbv2.targets.get(tg.TargetGroupArn)?.values() ?? [])].length === 2 || undefined,
    );
    loading = false;
    await load;
    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThan(20);
    // The ALB counted every request it forwarded by the task definition of the task that took it.
    const counts = emu.live?.albCounts() ?? {};
    const rev = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);
    expect(counts[rev(v1)]).toBeGreaterThan(0);
    expect(counts[rev(v2)]).toBeGreaterThan(0);
    expect(counts[rev(v1)] + counts[rev(v2)]).toBeGreaterThanOrEqual(ok);
    const served = (await (await fetch(`${emu.url}/_cendence/alb/requests`)).json()) as Record<
      string,
      number
    >;
    expect(served[rev(v2)]).toBeGreaterThanOrEqual(counts[rev(v2)]);
    expect(await (await fetch(url)).text()).toMatch(/^v2 /);
    const v2Ips = [...(emu.world.elbv2.targets.get(tg.TargetGroupArn)?.values() ?? [])]
      .map((t) => t.Id)
      .sort();
    expect(await (await fetch(`${url}/resolve/web.app.local`)).text()).toBe(v2Ips.join(','));
    // WebSocket-style upgrades are tunnelled to a task.
    const upgraded = await new Promise<string>((resolve, reject) => {
      const u = new URL(url);
      const sock = net.connect(Number(u.port), u.hostname, () => {
        sock.write('GET /ws HTTP/1.1\r\nhost: x\r\nconnection: Upgrade\r\nupgrade: echo\r\n\r\nping');
      });
      let buf = '';
      sock.on('data', (c: Buffer) => {
        buf += c.toString();
        if (buf.includes('ping')) {
          sock.destroy();
          resolve(buf);
        }
      });
      sock.on('error', reject);
      setTimeout(() => reject(new Error(`no upgrade echo: ${buf}`)), 10_000).unref();
    });
    expect(upgraded).toMatch(/^HTTP\/1.1 101[\s\S]*v2 ping$/);
  }, 300_000);

  test('a crashing image crashes for real: exit code, stop reason and its stack trace in the logs', async () => {
    const arn = await runOnce(
      taskDef({ family: 'crash' }, { environment: [{ name: 'CRASH_AFTER_MS', value: '300' }] }),
    );
    const t = await stopped(arn);
    expect(`${t.stopCode} ${t.stoppedReason}`).toBe(
      'EssentialContainerExited Essential container in task exited',
    );
    expect(t.containers?.[0]?.exitCode).toBe(3);
    expect(logsOf(arn).join('\n')).toMatch(/TypeError: Cannot read properties of undefined/);
  }, 120_000);

  test('secrets resolve from Secrets Manager (JSON key) and SSM; a missing one stops the task as ECS does', async () => {
    const rds = [...rdsOf(emu.world).instances.values()][0];
    expect(secretsOf(emu.world).secretValue(rds.secretArn)).toContain(rds.password);
    const secretArn = secretsOf(emu.world).arnOf('web/api') as string;
    const arn = await runOnce(
      taskDef(
        { family: 'secrets' },
        {
          command: [
            'node',
            '-e',
            "console.log('token=' + process.env.TOKEN + ' mode=' + process.env.MODE + ' user=' + process.env.PGUSER)",
          ],
          secrets: [
            { name: 'TOKEN', valueFrom: `${secretArn}:token::` },
            { name: 'MODE', valueFrom: 'arn:aws:ssm:us-east-1:123456789012:parameter/web/mode' },
            { name: 'PGUSER', valueFrom: `${rds.secretArn}:username::` },
          ],
        },
      ),
    );
    const t = await stopped(arn);
    expect(t.containers?.[0]?.exitCode).toBe(0);
    expect(logsOf(arn)).toContain('token=s3cret-token mode=live user=app');
    const missing = await runOnce(
      taskDef(
        { family: 'secrets-missing' },
        { secrets: [{ name: 'X', valueFrom: `${secretArn.slice(0, -6)}nope00` }] },
      ),
    );
    const m = await stopped(missing);
    expect(m.stopCode).toBe('TaskFailedToStart');
    expect(m.stoppedReason).toMatch(
      /^ResourceInitializationError: unable to pull secrets .*ResourceNotFoundException/,
    );
  }, 120_000);

  /** Runs a bad-input case and checks it leaves no container of its own behind. */
  const leavesNothing = async (family: string, body: () => Promise<void>) => {
    await body();
    const left = () =>
      execFileSync('docker', ['ps', '-aq', '--filter', MINE, '--filter', `name=-${family}-`])
        .toString()
        .trim();
    await waitFor(`${family} containers removed`, () => left() === '' || undefined, 30_000);
  };

  test('bad input: an image the registry does not have stops the task with CannotPullContainerError', async () => {
    await leavesNothing('missing', async () => {
      const pull = await runOnce(taskDef({ family: 'missing' }, { image: `${emu.host}/web:does-not-exist` }));
      const p = await stopped(pull);
      expect(p.stopCode).toBe('TaskFailedToStart');
      expect(p.stoppedReason).toMatch(/^CannotPullContainerError: .*web:does-not-exist/);
      expect(p.containers?.[0]?.lastStatus).toBe('STOPPED');
    });
  }, 120_000);

  test('bad input: more memory than the machine has stops the task with RESOURCE:MEMORY', async () => {
    await leavesNothing('huge', async () => {
      const mem = await runOnce(taskDef({ family: 'huge', cpu: '16384', memory: String(120 * 1024) }));
      const h = await stopped(mem);
      expect(h.stopCode).toBe('TaskFailedToStart');
      expect(h.stoppedReason).toMatch(/RESOURCE:MEMORY/);
    });
  }, 120_000);

  test('bad input: colliding port mappings are refused at registration; an undeclared clash exits the task', async () => {
    const twin = (mapped: boolean) => ({
      ...taskDef({ family: 'clash' }),
      containerDefinitions: [
        {
          name: 'web',
          image: registryImage,
          essential: true,
          portMappings: [{ containerPort: 8080 }],
          logConfiguration: logConfig('clash'),
        },
        {
          name: 'twin',
          image: registryImage,
          essential: true,
          portMappings: mapped ? [{ containerPort: 8080 }] : [],
          logConfiguration: logConfig('clash'),
          dependsOn: [{ containerName: 'web', condition: 'START' }],
        },
      ],
    });
    // Both containers share the task's network namespace, so ECS refuses the definition outright.
    await expect(register(twin(true))).rejects.toThrow(
      "TCP host port '8080' is mapped multiple times in task.",
    );
    // A port the definition does not declare still collides for real: the second container cannot bind it.
    await leavesNothing('clash', async () => {
      const clash = await runOnce(twin(false));
      const c = await stopped(clash);
      expect(c.stopCode).toBe('EssentialContainerExited');
      expect(c.containers?.find((x) => x.name === 'twin')?.exitCode).toBe(1);
      expect(logsOf(clash, 'clash', 'twin').join('\n')).toMatch(/EADDRINUSE/);
    });
  }, 120_000);

  test('bad input: a healthCheck command that is not a list is refused at registration', async () => {
    const before = ours().length;
    await expect(
      register(taskDef({ family: 'badhc' }, { healthCheck: { command: 'curl localhost' } })),
    ).rejects.toMatchObject({
      name: 'SerializationException',
      message: expect.stringMatching(/healthCheck.command must be a list of strings/),
    });
    expect(ours().length).toBe(before);
  });

  test('stopTimeout: SIGTERM, then SIGKILL for a container that ignores it', async () => {
    const arn = await runOnce(
      taskDef(
        { family: 'stubborn' },
        {
          command: [
            'node',
            '-e',
            "process.on('SIGTERM',()=>console.log('ignoring SIGTERM'));setInterval(()=>{},1000);console.log('up')",
          ],
          stopTimeout: 20,
        },
      ),
    );
    await waitFor('running', async () =>
      (await describeTask(arn)).lastStatus === 'RUNNING' ? true : undefined,
    );
    await waitFor('log up', () => logsOf(arn).includes('up') || undefined);
    const t0 = Date.now();
    await ecs.send(new StopTaskCommand({ cluster: 'main', task: arn }));
    const t = await stopped(arn);
    expect(t.containers?.[0]?.exitCode).toBe(137);
    expect(logsOf(arn)).toContain('ignoring SIGTERM');
    expect(Date.now() - t0).toBeGreaterThanOrEqual((20 / SPEED) * 1000 - 200);
  }, 120_000);

  test('the RDS endpoint is a real PostgreSQL reached with the managed secret, from a container', async () => {
    const db = [...rdsOf(emu.world).instances.values()][0];
    const server = emu.live?.databases.get(db.identifier);
    expect(server).toBeDefined();
    const psql = (sql: string) =>
      execFileSync(
        'psql',
        [
          '-h',
          server?.addresses[0] as string,
          '-p',
          String(db.port),
          '-U',
          db.username,
          '-d',
          db.dbName,
          '-Atc',
          sql,
        ],
        {
          env: { ...process.env, PGPASSWORD: db.password },
        },
      )
        .toString()
        .trim();
    psql('CREATE TABLE IF NOT EXISTS scores (player text, points int)');
    psql("INSERT INTO scores VALUES ('ada', 11)");
    const arn = await runOnce(
      taskDef(
        { family: 'dbcheck' },
        {
          command: [
            'node',
            '-e',
            "const s=require('net').connect(+process.env.PGPORT,process.env.PGHOST,()=>{console.log('db reachable');s.end()});s.on('error',e=>{console.log('db error',e.message);process.exit(1)})",
          ],
          environment: [
            { name: 'PGHOST', value: db.address },
            { name: 'PGPORT', value: String(db.port) },
          ],
          secrets: [{ name: 'PGPASSWORD', valueFrom: `${db.secretArn}:password::` }],
        },
      ),
    );
    const t = await stopped(arn);
    expect(logsOf(arn)).toContain('db reachable');
    expect(t.containers?.[0]?.exitCode).toBe(0);
    expect(psql("SELECT points FROM scores WHERE player = 'ada'")).toBe('11');
  }, 120_000);

  test('stopping the emulator removes exactly its own containers and networks', async () => {
    const foreign = execFileSync('docker', [
      'create',
      '--label',
      'cendence.test=foreign',
      'cendence/base:node20',
      'true',
    ])
      .toString()
      .trim();
    try {
      expect(ours().length).toBeGreaterThan(0);
      await emu.stop();
      expect(ours()).toEqual([]);
      expect(execFileSync('docker', ['network', 'ls', '-q', '--filter', MINE]).toString().trim()).toBe('');
      expect(
        execFileSync('docker', ['ps', '-aq', '--filter', `id=${foreign}`])
          .toString()
          .trim(),
      ).not.toBe('');
    } finally {
      execFileSync('docker', ['rm', '-f', foreign], { stdio: 'ignore' });
    }
  }, 60_000);
});

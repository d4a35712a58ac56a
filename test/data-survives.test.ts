// Data survives every deploy and rollback: auth and game run as real containers (their own images,
// their own task definitions) behind the emulator's ALB, with a real PostgreSQL behind the RDS
// endpoint. A player signs up and finishes a game through the load balancer; then both services are
// deployed to a new revision and rolled back to the first, and after each the same player logs in
// with the same password and finds the stored result. Skipped, with the reason, without an engine,
// the local base image or PostgreSQL.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  CreateServiceCommand,
  DescribeServicesCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  RunTaskCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { type Emulator, engineAvailable, startEmulator } from '../emulator/src/index.js';
import { postgresBin } from '../emulator/src/rds/postgres.js';
import { rdsOf } from '../emulator/src/rds/state.js';
import { hasImage, pushToEmulator, sh, waitFor } from '../harness/live-world.js';
import { buildServiceImage } from './helpers/transcendence.js';

const SERVICES_DIR = path.resolve(import.meta.dirname, '../services');
const BASE = 'cendence/base:node20';
const SPEED = 10;
const SUBNETS = { awsvpcConfiguration: { subnets: ['subnet-a'] } };
const creds = { accessKeyId: 'x', secretAccessKey: 'x' };
const NAMES = ['auth', 'game'] as const;
type Name = (typeof NAMES)[number];

const engine = await engineAvailable();
const skip = !engine.ok
  ? engine.reason
  : !hasImage(BASE)
    ? `the local base image ${BASE} is missing`
    : !postgresBin()
      ? 'PostgreSQL (Debian package postgresql) is not installed'
      : '';
if (skip) console.log(`skipping data-survives tests: ${skip}`);
const maybe = skip ? describe.skip : describe;

maybe('data written through the app survives deploys and rollbacks', () => {
  let emu: Emulator;
  let ecs: ECSClient;
  const images = {} as Record<Name, string>;
  const urls = {} as Record<Name, string>;

  const tg = (name: Name) => ({
    name,
    port: 3000,
    healthCheckPath: '/health',
    healthCheckIntervalSeconds: 5,
    healthyThresholdCount: 2,
    deregistrationDelaySeconds: 20,
  });

  beforeAll(async () => {
    // The services' own Dockerfiles (context services/), from the local base image; cached layers make
    // this quick after the first build on a machine.
    const local = {} as Record<Name, string>;
    for (const name of NAMES) {
      local[name] = `cendence-test/${name}:data-survives`;
      await buildServiceImage({
        dockerfile: path.join(SERVICES_DIR, name, 'Dockerfile'),
        context: SERVICES_DIR,
        tag: local[name],
        baseImage: BASE,
        labels: { 'cendence.test': 'data-survives' },
      });
    }
    emu = await startEmulator({
      clock: 'real',
      speed: SPEED,
      tasks: 'docker',
      throttling: false,
      world: {
        clusters: ['main'],
        logGroups: ['/ecs/transcendence'],
        targetGroups: NAMES.map(tg),
        loadBalancers: NAMES.map((n) => ({ name: `${n}-alb`, listeners: [{ port: 80, forward: n }] })),
        databases: [{ identifier: 'transcendence', dbName: 'transcendence', username: 'transcendence' }],
      } as never,
    });
    ecs = new ECSClient({ endpoint: emu.url, region: emu.region, credentials: creds });
    for (const name of NAMES)
      images[name] = await pushToEmulator(emu, local[name], `transcendence/${name}`, 'v1');
  }, 600_000);

  afterAll(async () => {
    ecs?.destroy();
    await emu?.stop();
    for (const uri of Object.values(images)) await sh('docker', ['rmi', '-f', uri]).catch(() => undefined);
    // The layers stay: the next run builds from cache.
    for (const name of NAMES)
      await sh('docker', ['rmi', '--no-prune', `cendence-test/${name}:data-survives`]).catch(() => undefined);
  });

  /** The service's own task definition template, with the image, the database and a release marker. */
  const register = async (name: Name, release: string): Promise<string> => {
    const db = [...rdsOf(emu.world).instances.values()][0];
    const template = JSON.parse(readFileSync(path.join(SERVICES_DIR, name, 'taskdef.json'), 'utf8'));
    const [container] = template.containerDefinitions;
    const input: RegisterTaskDefinitionCommandInput = {
      ...template,
      family: name,
      executionRoleArn: 'arn:aws:iam::123456789012:role/exec',
      containerDefinitions: [
        {
          ...container,
          image: images[name],
          environment: [
            { name: 'PGHOST', value: db.address },
            { name: 'PGPORT', value: String(db.port) },
            { name: 'PGDATABASE', value: db.dbName },
            { name: 'PGUSER', value: db.username },
            // The emulated RDS is a database on this machine: TLS off, by the services' one setting.
            { name: 'PGSSLMODE', value: 'disable' },
            { name: 'RELEASE', value: release },
          ],
          secrets: [{ name: 'PGPASSWORD', valueFrom: `${db.secretArn}:password::` }],
          logConfiguration: {
            logDriver: 'awslogs',
            options: {
              'awslogs-group': '/ecs/transcendence',
              'awslogs-region': emu.region,
              'awslogs-stream-prefix': name,
            },
          },
        },
      ],
    };
    const out = await ecs.send(new RegisterTaskDefinitionCommand(input));
    return out.taskDefinition?.taskDefinitionArn as string;
  };

  const steady = (name: Name, taskDefinition: string) =>
    waitFor(
      `${name} steady on ${taskDefinition}`,
      async () => {
        const s = (await ecs.send(new DescribeServicesCommand({ cluster: 'main', services: [name] })))
          .services?.[0];
        const d = s?.deployments ?? [];
        if (d.length !== 1 || d[0].rolloutState !== 'COMPLETED' || s?.taskDefinition !== taskDefinition)
          return;
        const tgArn = [...emu.world.elbv2.targetGroups.values()].find((t) => t.TargetGroupName === name)
          ?.TargetGroupArn as string;
        const targets = [...(emu.world.elbv2.targets.get(tgArn)?.values() ?? [])];
        return targets.length === 1 && targets[0].state === 'healthy';
      },
      240_000,
      500,
    );

  const call = async (name: Name, method: string, url: string, body?: unknown, token?: string) => {
    const res = await fetch(`${urls[name]}${url}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  /** What a returning player sees: a fresh login with the same password, and the stored results. */
  const whatSurvived = async () => {
    const login = await call('auth', 'POST', '/login', {
      username: 'ada',
      password: 'correct horse battery',
    });
    expect(login.status).toBe(200);
    const me = await call('auth', 'GET', '/me', undefined, login.body.token);
    expect(me.body.username).toBe('ada');
    const results = await call('game', 'GET', '/results', undefined, login.body.token);
    expect(results.status).toBe(200);
    return { userId: me.body.id as string, results: results.body as { gameId: string; winner: string }[] };
  };

  test('a user and a finished game survive a deploy and a rollback of auth and game', async () => {
    const v1 = {} as Record<Name, string>;
    for (const name of NAMES) v1[name] = await register(name, '1');
    // Auth's pre-deploy task creates the schema, as the deploy step runs it before the service.
    const migrate = await ecs.send(
      new RunTaskCommand({
        cluster: 'main',
        taskDefinition: v1.auth,
        networkConfiguration: SUBNETS,
        launchType: 'FARGATE',
        overrides: { containerOverrides: [{ name: 'auth', command: ['node', 'dist/migrate.js'] }] },
      }),
    );
    const migration = await waitFor(
      'migration task',
      () => {
        const t = emu.world.ecs.tasks.get(migrate.tasks?.[0]?.taskArn as string);
        return t?.lastStatus === 'STOPPED' ? t : undefined;
      },
      120_000,
    );
    expect(migration.containers[0].exitCode).toBe(0);

    for (const name of NAMES) {
      const tgArn = [...emu.world.elbv2.targetGroups.values()].find((t) => t.TargetGroupName === name)
        ?.TargetGroupArn as string;
      await ecs.send(
        new CreateServiceCommand({
          cluster: 'main',
          serviceName: name,
          taskDefinition: v1[name],
          desiredCount: 1,
          launchType: 'FARGATE',
          networkConfiguration: SUBNETS,
          deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200 },
          loadBalancers: [{ targetGroupArn: tgArn, containerName: name, containerPort: 3000 }],
        }),
      );
    }
    for (const name of NAMES) await steady(name, v1[name]);
    const running = () =>
      [...emu.world.ecs.tasks.values()].filter(
        (t) => t.lastStatus === 'RUNNING' && t.group?.startsWith('service:'),
      );
    const first = running().map((t) => t.taskArn);
    expect(first).toHaveLength(2);
    await emu.live?.syncAlb();
    for (const name of NAMES) urls[name] = emu.live?.albUrl(`${name}-alb`) as string;

    // Written through the load balancer: an account, then a practice game played to its end.
    const signup = await call('auth', 'POST', '/signup', {
      username: 'ada',
      password: 'correct horse battery',
    });
    expect(signup.status).toBe(201);
    const { token } = (
      await call('auth', 'POST', '/login', { username: 'ada', password: 'correct horse battery' })
    ).body;
    const game = await call('game', 'POST', '/games', { opponent: 'ai' }, token);
    expect(game.status).toBe(201);
    const id = game.body.id as string;
    // Both paddles parked at the top: the ball gets past them and the game ends in seconds.
    for (const side of ['left', 'right'])
      expect((await call('game', 'POST', `/games/${id}/moves`, { direction: -1, side }, token)).status).toBe(
        200,
      );
    const finished = await waitFor(
      'the game to finish',
      async () => {
        const g = await call('game', 'GET', `/games/${id}`, undefined, token);
        return g.body?.status === 'finished' ? g.body : undefined;
      },
      180_000,
      1000,
    );
    const before = await whatSurvived();
    expect(before.userId).toBe(signup.body.id);
    expect(before.results.map((r) => r.gameId)).toContain(id);
    expect(before.results.find((r) => r.gameId === id)?.winner).toBe(finished.winner);

    // A deploy of both services to a new revision: new containers, same database.
    const v2 = {} as Record<Name, string>;
    for (const name of NAMES) {
      v2[name] = await register(name, '2');
      await ecs.send(new UpdateServiceCommand({ cluster: 'main', service: name, taskDefinition: v2[name] }));
    }
    for (const name of NAMES) await steady(name, v2[name]);
    expect(await whatSurvived()).toEqual(before);

    // A rollback to the first revision, as `cendence rollback` moves a service back.
    for (const name of NAMES)
      await ecs.send(new UpdateServiceCommand({ cluster: 'main', service: name, taskDefinition: v1[name] }));
    for (const name of NAMES) await steady(name, v1[name]);
    expect(await whatSurvived()).toEqual(before);
    // The containers that served before the deploy are gone: what survived lived in PostgreSQL.
    const now = running();
    expect(now.map((t) => t.taskDefinitionArn).sort()).toEqual([v1.auth, v1.game].sort());
    expect(now.filter((t) => first.includes(t.taskArn))).toEqual([]);
  }, 900_000);
});

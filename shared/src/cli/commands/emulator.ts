// `cendence emulator`: runs the local AWS emulator (emulator/) until SIGINT/SIGTERM. Prints exactly
// one line, "emulator listening on http://127.0.0.1:<port>", so scripts can read the endpoint.
import { statSync } from 'node:fs';
import path from 'node:path';
import { isMissingFile, UserError } from '../../errors.js';
import { intFlag, parseFlags } from '../args.js';
import type { Command } from '../command.js';

const HELP = `Usage: cendence emulator [--port N] [--clock real|virtual] [--speed X] [--world FILE|DIR]
                         [--terraform DIR [--var-file F]... [--var NAME=VALUE]... [--no-iam]] [--tasks simulated|docker] [--no-throttling]

Runs the local AWS emulator (ECS, ECR, STS, ELBv2, CodeDeploy, CloudWatch Logs) on 127.0.0.1.
Point any AWS client at it with --endpoint-url / AWS_ENDPOINT_URL and dummy credentials.

Options:
  --port N          port to listen on (default 0: a free port)
  --clock MODE      real (default) or virtual (time moves only via POST /_cendence/clock/advance)
  --speed X         real clock: emulated seconds per second (default 1)
  --world PATH      YAML/JSON world file to seed, or a repository folder: a world is derived
                    from its services/*/service.yml (only what the manifests name: use
                    --terraform for manifests that take their names from terraform outputs)
  --terraform DIR   build the world from a Terraform configuration, as \`terraform apply\` would create it
                    for the variables given (clusters, services, repositories, roles, ALB, …); IAM is
                    enforced: STS checks trust policies, every assumed-role call its permission policies
  --var-file F      a .tfvars file for --terraform (repeatable, applied in order)
  --var NAME=VALUE  a variable for --terraform (repeatable, after the files; HCL unless a string)
  --no-iam          with --terraform: grant every call (no trust or permission checks)
  --tasks MODE      simulated (default): tasks follow image behaviours; docker: every task is
                    real containers from the emulator's registry, every ALB listener a real
                    proxy on 127.0.0.1 (printed), every RDS instance a real PostgreSQL
  --no-throttling   turn off AWS-like request throttling
  --region NAME     region the emulator answers for (default: the configuration's, else us-east-1)

Control API: http://127.0.0.1:<port>/_cendence/ (see emulator/README.md).

Resource types of the configuration the world does not model are listed once at start (stderr).
With --terraform, GET /_cendence/terraform/outputs answers what \`terraform output -json\` would, and
POST /_cendence/oidc/token {claims} signs a job's identity token with the key STS trusts.

Examples:
  cendence emulator --port 4566 --speed 10 --world services
  cendence emulator --terraform terraform --var-file terraform/environments/staging.tfvars`;

export const emulatorCommand: Command = {
  name: 'emulator',
  summary: 'run the local AWS emulator for tests, the demo and pipeline rehearsals',
  help: HELP,
  async run(argv, ctx) {
    const { values } = parseFlags('emulator', argv, {
      port: { type: 'string' },
      clock: { type: 'string' },
      speed: { type: 'string' },
      world: { type: 'string' },
      'no-throttling': { type: 'boolean' },
      region: { type: 'string' },
      tasks: { type: 'string' },
      terraform: { type: 'string' },
      'var-file': { type: 'string', multiple: true },
      var: { type: 'string', multiple: true },
      'no-iam': { type: 'boolean' },
    });
    const tasks = values.tasks ?? 'simulated';
    if (tasks !== 'simulated' && tasks !== 'docker') {
      throw new UserError(`--tasks must be "simulated" or "docker", got "${tasks}"`, '--tasks');
    }
    if (tasks === 'docker' && values.clock === 'virtual') {
      throw new UserError('--tasks docker runs real containers: it needs --clock real', '--clock');
    }
    const port = intFlag('port', values.port) ?? 0;
    if (port > 65535) throw new UserError(`--port must be at most 65535, got ${port}`, '--port');
    const clock = values.clock ?? 'real';
    if (clock !== 'real' && clock !== 'virtual') {
      throw new UserError(`--clock must be "real" or "virtual", got "${clock}"`, '--clock');
    }
    const speed = values.speed === undefined ? 1 : Number(values.speed);
    if (!(speed > 0)) throw new UserError(`--speed must be a number > 0, got "${values.speed}"`, '--speed');
    const { startEmulator, worldFromManifests } = await import('../../../../emulator/src/index.js');
    let world: NonNullable<Parameters<typeof startEmulator>[0]>['world'];
    if (values.world) {
      const file = path.resolve(ctx.cwd, values.world);
      let isDir: boolean;
      try {
        isDir = statSync(file).isDirectory();
      } catch (err) {
        if (!isMissingFile(err)) throw err;
        throw new UserError(
          `--world: ${file} does not exist`,
          '--world',
          'pass a world YAML/JSON file or a repository folder',
        );
      }
      world = isDir
        ? worldFromManifests(path.basename(file) === 'services' ? path.dirname(file) : file)
        : file;
    }
    let terraform: NonNullable<Parameters<typeof startEmulator>[0]>['terraform'];
    if (values.terraform) {
      const vars: Record<string, string> = {};
      for (const pair of values.var ?? []) {
        const eq = pair.indexOf('=');
        if (eq <= 0) throw new UserError(`--var must be NAME=VALUE, got "${pair}"`, '--var');
        vars[pair.slice(0, eq)] = pair.slice(eq + 1);
      }
      terraform = {
        dir: path.resolve(ctx.cwd, values.terraform),
        varFiles: (values['var-file'] ?? []).map((f) => path.resolve(ctx.cwd, f)),
        vars,
        iam: !values['no-iam'],
      };
    } else if (values.var || values['var-file'] || values['no-iam']) {
      throw new UserError('--var, --var-file and --no-iam need --terraform DIR', '--terraform');
    }
    let emu: Awaited<ReturnType<typeof startEmulator>>;
    try {
      emu = await startEmulator({
        port,
        clock,
        speed,
        world,
        terraform,
        throttling: !values['no-throttling'],
        region: values.region,
        tasks,
      });
    } catch (err) {
      if (tasks === 'docker' && /engine|PostgreSQL/.test((err as Error).message))
        throw new UserError(
          `the emulator could not start: ${(err as Error).message}`,
          '--tasks',
          'start dockerd, or use --tasks simulated',
        );
      const listening = (err as NodeJS.ErrnoException).code?.startsWith('E');
      if (terraform && !listening) {
        throw new UserError(
          `the Terraform configuration could not be read: ${(err as Error).message}`,
          '--terraform',
          'pass the folder of a root module and every required variable (--var-file / --var)',
        );
      }
      throw new UserError(
        `the emulator could not start: ${(err as Error).message}`,
        '--port',
        'pick another port, or 0 for a free one',
      );
    }
    const skipped = emu.terraform?.skipped ?? [];
    if (skipped.length > 0) {
      process.stderr.write(
        `emulator: not modelled (declared in Terraform, not emulated): ${skipped.join(', ')}\n`,
      );
    }
    process.stdout.write(`emulator listening on ${emu.url}\n`);
    // Live mode: where each load balancer serves, on stderr so stdout stays one line.
    if (emu.live) {
      await emu.live.syncAlb();
      for (const lb of emu.world.elbv2.loadBalancers.values()) {
        const url = emu.live.albUrl(lb.LoadBalancerName);
        if (url)
          process.stderr.write(`load balancer ${lb.LoadBalancerName} (${lb.DNSName}) serves on ${url}\n`);
      }
      for (const note of emu.live.notes()) process.stderr.write(`note: ${note}\n`);
    }
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) resolve();
      else ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await emu.stop();
    return { url: emu.url };
  },
};

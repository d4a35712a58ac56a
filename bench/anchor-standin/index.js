// A stand-in for the anchor (the waiter-based ECS deploy action), built the way it is built: @actions/core
// and the ECS client of SDK v3, bundled with ncc into one file (ES module: @actions/core 3 ships only that). Written for the bench, not copied:
// it only has to start like the anchor and make the same first call, RegisterTaskDefinition with the task
// definition file named by its input. bench/cold-start.ts bundles and times it beside our actions.
import fs from 'node:fs';
import path from 'node:path';
import * as core from '@actions/core';
import { ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';

async function run() {
  const file = core.getInput('task-definition', { required: true });
  const service = core.getInput('service');
  const cluster = core.getInput('cluster') || 'default';
  const ecs = new ECSClient({ customUserAgent: 'anchor-standin' });
  const taskDefinition = JSON.parse(fs.readFileSync(path.resolve(file), 'utf8'));
  const out = await ecs.send(new RegisterTaskDefinitionCommand(taskDefinition));
  core.setOutput('task-definition-arn', out.taskDefinition.taskDefinitionArn);
  core.info(`registered for ${cluster}/${service}`);
}

run().catch((err) => core.setFailed(err.message));

// The SDK's own floor: nothing but the SDK v3 ECS client making the stand-in's first call
// (RegisterTaskDefinition), bundled the way our actions are (esbuild, ES module, minified). Beside the stand-in
// and bare node it shows how much of a cold start is the SDK's, which any action calling ECS pays.
import { readFileSync } from 'node:fs';
import { ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';

const ecs = new ECSClient({});
const taskDefinition = JSON.parse(readFileSync(process.env['INPUT_TASK-DEFINITION'], 'utf8'));
ecs.send(new RegisterTaskDefinitionCommand(taskDefinition)).catch((err) => {
  console.error(err.message);
  process.exitCode = 1;
});

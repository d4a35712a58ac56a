// Every ECS operation the emulator answers.
import type { ServiceHandlers } from '../types.js';
import { clusterHandlers } from './clusters.js';
import { serviceDeploymentHandlers } from './service-deployments.js';
import { serviceHandlers } from './services.js';
import { tagHandlers } from './tags.js';
import { taskDefinitionHandlers } from './taskdefs.js';
import { taskHandlers } from './tasks-api.js';

export const ecsHandlers: ServiceHandlers = {
  ...clusterHandlers,
  ...taskDefinitionHandlers,
  ...serviceHandlers,
  ...serviceDeploymentHandlers,
  ...taskHandlers,
  ...tagHandlers,
};

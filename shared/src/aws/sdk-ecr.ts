// The ECR client, imported on first use by AwsClients.ecr: run-task and rollback never call ECR, and
// their start-up does not load it. Callers import the commands they send from the package itself.
export { ECRClient } from '@aws-sdk/client-ecr';

// The part of the ECR SDK Cendence uses, imported on first use by AwsClients.ecr: run-task and rollback
// never call ECR, and deploy's first call is ECS's, so none of them loads it (nor ECR's error classes and
// schemas, which a command imported statically would bring) before their first AWS request.
export {
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  PutImageCommand,
} from '@aws-sdk/client-ecr';

// The part of the CodeDeploy SDK Cendence uses, imported on first use by AwsClients.codedeploy: listing
// the commands here (not the package's index) keeps the chunk to what is called.
export {
  CodeDeployClient,
  ContinueDeploymentCommand,
  CreateDeploymentCommand,
  GetDeploymentCommand,
  GetDeploymentGroupCommand,
  StopDeploymentCommand,
} from '@aws-sdk/client-codedeploy';

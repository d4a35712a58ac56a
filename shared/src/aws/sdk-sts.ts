// The part of the STS SDK Cendence uses, imported on first use by AwsClients.sts: only the OIDC exchange
// and `doctor` and verify's permission check call STS, so the actions' start-up does not load it.
export {
  AssumeRoleWithWebIdentityCommand,
  GetCallerIdentityCommand,
  STSClient,
} from '@aws-sdk/client-sts';

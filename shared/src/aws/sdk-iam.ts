// The part of the IAM SDK Cendence uses (verify's policy simulation), imported on first use by AwsClients.iam.
export { IAMClient, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';

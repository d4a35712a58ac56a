// The part of the CloudWatch Logs SDK Cendence uses, imported on first use by AwsClients.logs.
export {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  GetLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';

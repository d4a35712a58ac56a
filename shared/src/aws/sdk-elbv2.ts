// The part of the ELBv2 SDK Cendence uses (read-only), imported on first use by AwsClients.elbv2.
export {
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';

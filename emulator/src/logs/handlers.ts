// CloudWatch Logs (JSON 1.1): CreateLogGroup, DescribeLogGroups, DescribeLogStreams, GetLogEvents,
// FilterLogEvents (plain substring patterns, or quoted terms).
import { worldOf } from '../context.js';
import type { HandlerContext, ServiceHandlers } from '../types.js';
import { AwsError } from '../types.js';
import type { LogGroup, LogsState } from './state.js';

const logs = (ctx: HandlerContext): LogsState => worldOf(ctx).logs;

function groupOf(ctx: HandlerContext, name: unknown): LogGroup {
  const g = typeof name === 'string' ? logs(ctx).groups.get(name) : undefined;
  if (!g) throw new AwsError('ResourceNotFoundException', 'The specified log group does not exist.');
  return g;
}

function matches(pattern: string | undefined, message: string): boolean {
  if (!pattern) return true;
  const terms = pattern.match(/"[^"]*"|\S+/g) ?? [];
  return terms.every((t) => message.includes(t.replace(/^"|"$/g, '')));
}

export const logsHandlers: ServiceHandlers = {
  CreateLogGroup(input, ctx) {
    const s = logs(ctx);
    if (s.groups.has(input.logGroupName)) {
      throw new AwsError('ResourceAlreadyExistsException', 'The specified log group already exists');
    }
    if (typeof input.logGroupName !== 'string' || !/^[\w\-/.#]{1,512}$/.test(input.logGroupName)) {
      throw new AwsError('InvalidParameterException', 'Invalid log group name');
    }
    s.createGroup(input.logGroupName);
    return {};
  },

  DescribeLogGroups(input, ctx) {
    const s = logs(ctx);
    const prefix: string = input.logGroupNamePrefix ?? '';
    const groups = [...s.groups.values()]
      .filter((g) => g.logGroupName.startsWith(prefix))
      .sort((a, b) => a.logGroupName.localeCompare(b.logGroupName))
      .map((g) => ({
        logGroupName: g.logGroupName,
        creationTime: g.creationTime,
        retentionInDays: g.retentionInDays,
        arn: s.groupArn(g.logGroupName),
        storedBytes: 0,
      }));
    return { logGroups: groups };
  },

  DescribeLogStreams(input, ctx) {
    const g = groupOf(ctx, input.logGroupName);
    const prefix: string = input.logStreamNamePrefix ?? '';
    const streams = [...g.streams.values()]
      .filter((s) => s.logStreamName.startsWith(prefix))
      .map((s) => ({
        logStreamName: s.logStreamName,
        creationTime: s.creationTime,
        firstEventTimestamp: s.events[0]?.timestamp,
        lastEventTimestamp: s.events.at(-1)?.timestamp,
        lastIngestionTime: s.events.at(-1)?.ingestionTime,
      }));
    return { logStreams: streams };
  },

  GetLogEvents(input, ctx) {
    const g = groupOf(ctx, input.logGroupName);
    const stream = g.streams.get(input.logStreamName);
    if (!stream) throw new AwsError('ResourceNotFoundException', 'The specified log stream does not exist.');
    const start = Number(input.startTime ?? 0);
    const end = input.endTime === undefined ? Number.POSITIVE_INFINITY : Number(input.endTime);
    const all = stream.events.filter((e) => e.timestamp >= start && e.timestamp < end);
    const from = typeof input.nextToken === 'string' ? Number(input.nextToken.slice(2)) : 0;
    const limit = Math.min(Number(input.limit ?? 10000), 10000);
    const events = all.slice(from, from + limit);
    const next = `f/${from + events.length}`;
    return { events, nextForwardToken: next, nextBackwardToken: `b/${from}` };
  },

  FilterLogEvents(input, ctx) {
    const g = groupOf(ctx, input.logGroupName);
    const names: string[] | undefined = input.logStreamNames;
    const prefix: string | undefined = input.logStreamNamePrefix;
    const start = Number(input.startTime ?? 0);
    const end = input.endTime === undefined ? Number.POSITIVE_INFINITY : Number(input.endTime);
    const events = [];
    for (const s of g.streams.values()) {
      if (names && !names.includes(s.logStreamName)) continue;
      if (prefix && !s.logStreamName.startsWith(prefix)) continue;
      for (const [i, e] of s.events.entries()) {
        if (e.timestamp < start || e.timestamp >= end || !matches(input.filterPattern, e.message)) continue;
        events.push({
          logStreamName: s.logStreamName,
          timestamp: e.timestamp,
          message: e.message,
          ingestionTime: e.ingestionTime,
          eventId: `${e.timestamp}${i}`,
        });
      }
    }
    events.sort((a, b) => a.timestamp - b.timestamp);
    const limit = Math.min(Number(input.limit ?? 10000), 10000);
    return { events: events.slice(0, limit), searchedLogStreams: [] };
  },
};

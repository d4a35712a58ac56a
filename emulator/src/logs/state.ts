// CloudWatch Logs state: log groups and streams of events. Tasks with the awslogs driver write their
// behaviour's log lines to "<awslogs-stream-prefix>/<container>/<taskId>".
import type { World } from '../state.js';

export interface LogEvent {
  timestamp: number;
  message: string;
  ingestionTime: number;
}

export interface LogStream {
  logStreamName: string;
  creationTime: number;
  events: LogEvent[];
}

export interface LogGroup {
  logGroupName: string;
  creationTime: number;
  retentionInDays?: number;
  streams: Map<string, LogStream>;
}

export class LogsState {
  readonly groups = new Map<string, LogGroup>();

  constructor(private readonly world: World) {}

  groupArn(name: string): string {
    return this.world.arn('logs', `log-group:${name}:*`);
  }

  createGroup(name: string): LogGroup {
    let g = this.groups.get(name);
    if (!g) {
      g = { logGroupName: name, creationTime: this.world.clock.now(), streams: new Map() };
      this.groups.set(name, g);
    }
    return g;
  }

  /** Appends lines to a stream (creating the stream); the group must exist. */
  putEvents(group: string, stream: string, lines: string[], at = this.world.clock.now()): boolean {
    const g = this.groups.get(group);
    if (!g) return false;
    let s = g.streams.get(stream);
    if (!s) {
      s = { logStreamName: stream, creationTime: at, events: [] };
      g.streams.set(stream, s);
    }
    for (const [i, message] of lines.entries()) {
      s.events.push({ timestamp: at + i, message, ingestionTime: at + i + 150 });
    }
    return true;
  }

  snapshot(): Record<string, unknown> {
    return Object.fromEntries(
      [...this.groups.values()].map((g) => [
        g.logGroupName,
        Object.fromEntries([...g.streams.values()].map((s) => [s.logStreamName, s.events.length])),
      ]),
    );
  }
}

// Follows one container's awslogs stream while its task runs: each poll reads what is new with
// GetLogEvents and nextForwardToken, prints it (redacted), and keeps the last lines for an excerpt.
import { GetLogEventsCommand, ResourceNotFoundException } from '@aws-sdk/client-cloudwatch-logs';
import type { AwsClients } from '../aws/clients.js';
import type { Runner } from '../runner/types.js';
import { LineRedactor } from './redact.js';

export interface LogStreamRef {
  group: string;
  /** "<awslogs-stream-prefix>/<container>/<taskId>" */
  stream: string;
}

export class LogTail {
  private token: string | undefined;
  private readonly last: string[] = [];
  private readonly redactor = new LineRedactor();

  constructor(
    private readonly aws: AwsClients,
    private readonly ref: LogStreamRef,
    private readonly runner: Runner,
    private readonly keep = 20,
    private readonly label = '',
  ) {}

  /** Reads and prints every event written since the previous call. */
  async drain(): Promise<void> {
    for (let page = 0; page < 100; page++) {
      let out: Awaited<ReturnType<typeof this.read>>;
      try {
        out = await this.read();
      } catch (err) {
        // The stream appears only once the container has started writing.
        if (err instanceof ResourceNotFoundException) return;
        throw err;
      }
      for (const e of out.events ?? []) {
        const line = this.redactor.line((e.message ?? '').replace(/\n$/, ''));
        this.runner.info(`${this.label}${line}`);
        this.last.push(line);
        if (this.last.length > this.keep) this.last.shift();
      }
      // GetLogEvents returns the same forward token once there is nothing newer.
      const done = !out.nextForwardToken || out.nextForwardToken === this.token;
      this.token = out.nextForwardToken ?? this.token;
      if (done || (out.events ?? []).length === 0) return;
    }
  }

  private read() {
    return this.aws.logs.send(
      new GetLogEventsCommand({
        logGroupName: this.ref.group,
        logStreamName: this.ref.stream,
        startFromHead: true,
        ...(this.token ? { nextToken: this.token } : {}),
      }),
    );
  }

  /** The last lines printed, oldest first. */
  excerpt(): string[] {
    return [...this.last];
  }
}

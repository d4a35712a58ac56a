// TagResource, UntagResource and ListTagsForResource for clusters, services, task definitions and tasks.
import { worldOf } from '../context.js';
import type { HandlerContext, ServiceHandlers } from '../types.js';
import { AwsError } from '../types.js';
import type { Tag } from './model.js';

function tagsOf(ctx: HandlerContext, arn: unknown): { tags: Tag[]; set(tags: Tag[]): void } {
  const ecs = worldOf(ctx).ecs;
  const ref = typeof arn === 'string' ? arn : '';
  const holder =
    ecs.clusters.get(ref) ??
    ecs.services.get(ref) ??
    ecs.tasks.get(ref) ??
    (ref.includes(':task-definition/') ? ecs.findTaskDef(ref) : undefined);
  if (!holder) throw new AwsError('ResourceNotFoundException', 'The specified resource could not be found.');
  return { tags: holder.tags, set: (tags) => (holder.tags = tags) };
}

export const tagHandlers: ServiceHandlers = {
  TagResource(input, ctx) {
    const t = tagsOf(ctx, input.resourceArn);
    const added = (input.tags as Tag[] | undefined) ?? [];
    const keys = new Set(added.map((x) => x.key));
    const merged = [
      ...t.tags.filter((x) => !keys.has(x.key)),
      ...added.map((x) => ({ key: x.key, value: x.value })),
    ];
    if (merged.length > 50)
      throw new AwsError('InvalidParameterException', 'A resource can have at most 50 tags.');
    t.set(merged);
    return {};
  },

  UntagResource(input, ctx) {
    const t = tagsOf(ctx, input.resourceArn);
    const keys = new Set((input.tagKeys as string[] | undefined) ?? []);
    t.set(t.tags.filter((x) => !keys.has(x.key)));
    return {};
  },

  ListTagsForResource(input, ctx) {
    return { tags: tagsOf(ctx, input.resourceArn).tags };
  },
};

import { describe, expect, it } from '@jest/globals';
import { dependencyOrder, dependencyWaves, dependentsOf, findCycle } from './graph.js';

const nodes = [
  { name: 'frontend', dependsOn: ['game', 'matchmaking'] },
  { name: 'matchmaking', dependsOn: ['game'] },
  { name: 'game', dependsOn: ['auth'] },
  { name: 'auth', dependsOn: [] },
  { name: 'ai', dependsOn: [] },
];

describe('dependency graph', () => {
  it('orders everything in waves, dependencies first and names sorted within a wave', () => {
    expect(dependencyWaves(nodes)).toEqual([['ai', 'auth'], ['game'], ['matchmaking'], ['frontend']]);
    expect(dependencyOrder(nodes)).toEqual(['ai', 'auth', 'game', 'matchmaking', 'frontend']);
  });

  it('keeps the order of selected services that depend on each other through unselected ones', () => {
    expect(dependencyWaves(nodes, ['frontend', 'auth', 'ai'])).toEqual([['ai', 'auth'], ['frontend']]);
    expect(dependencyWaves(nodes, ['matchmaking', 'ai'])).toEqual([['ai', 'matchmaking']]);
  });

  it('finds transitive dependents', () => {
    expect([...dependentsOf(nodes, ['auth'])].sort()).toEqual(['frontend', 'game', 'matchmaking']);
    expect([...dependentsOf(nodes, ['ai'])]).toEqual([]);
  });

  it('finds a cycle, or none', () => {
    expect(findCycle(nodes)).toBeUndefined();
    const cyclic = [...nodes.filter((n) => n.name !== 'auth'), { name: 'auth', dependsOn: ['frontend'] }];
    expect(findCycle(cyclic)).toEqual(['auth', 'frontend', 'game', 'auth']);
  });
});

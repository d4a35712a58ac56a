// The dependency graph between services (dependsOn): cycle detection, a stable topological order, and
// waves of services that can be built or deployed in parallel. Pure functions over names.

export interface DependencyNode {
  name: string;
  dependsOn: string[];
}

/** The first dependency cycle found, as names ending where they started (a → b → a), or undefined. */
export function findCycle(nodes: DependencyNode[]): string[] | undefined {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'visiting') return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, 'visiting');
    stack.push(name);
    for (const d of [...(byName.get(name)?.dependsOn ?? [])].sort()) {
      if (!byName.has(d)) continue;
      const c = visit(d);
      if (c) return c;
    }
    stack.pop();
    state.set(name, 'done');
    return undefined;
  };
  // Code-unit order, not localeCompare: names are lowercase ASCII (schema.ts), and the collator's first use
  // costs ~10 ms of ICU set-up in every step's start.
  for (const n of [...nodes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const c = visit(n.name);
    if (c) return c;
  }
  return undefined;
}

/**
 * Waves of the given services: each wave depends only on earlier waves. Dependencies outside the
 * selection are taken as already there, but ordering still follows them: if a selected service depends
 * on another selected one through unselected services, it comes later. Names within a wave are sorted,
 * so the result is stable. Assumes no cycle (load.ts rejects cycles).
 */
export function dependencyWaves(nodes: DependencyNode[], selected?: Iterable<string>): string[][] {
  const chosen = new Set(selected ?? nodes.map((n) => n.name));
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const level = new Map<string, number>();
  // How many selected services lie on the longest dependency chain below `name`.
  const levelOf = (name: string): number => {
    const known = level.get(name);
    if (known !== undefined) return known;
    const deps = byName.get(name)?.dependsOn ?? [];
    const l = Math.max(0, ...deps.map((d) => levelOf(d) + (chosen.has(d) ? 1 : 0)));
    level.set(name, l);
    return l;
  };
  const waves: string[][] = [];
  for (const name of [...chosen].sort()) {
    const l = levelOf(name);
    waves[l] = [...(waves[l] ?? []), name];
  }
  return waves.filter(Boolean);
}

/** A stable topological order: dependencies first, ties broken by name. */
export function dependencyOrder(nodes: DependencyNode[], selected?: Iterable<string>): string[] {
  return dependencyWaves(nodes, selected).flat();
}

/** Every service that depends on one of `names`, directly or through others (not including `names`). */
export function dependentsOf(nodes: DependencyNode[], names: Iterable<string>): Set<string> {
  const found = new Set<string>();
  const start = new Set(names);
  let frontier = [...start];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const n of nodes) {
      if (found.has(n.name) || start.has(n.name)) continue;
      if (n.dependsOn.some((d) => frontier.includes(d))) {
        found.add(n.name);
        next.push(n.name);
      }
    }
    frontier = next;
  }
  return found;
}

// Reads what a Dockerfile builds FROM, with ARG substitution, so the content tag can include the base
// image's identity. Not a full Dockerfile parser: FROM and global ARG lines are all it needs.

export interface BaseImage {
  /** The reference after ARG substitution, e.g. "node:20-bookworm-slim" or "local/node:20". */
  ref: string;
  line: number;
}

/** Base images of every stage, skipping "scratch" and references to earlier stages. */
export function baseImages(dockerfile: string, buildArgs: Record<string, string>): BaseImage[] {
  const lines = logicalLines(dockerfile);
  const globals: Record<string, string> = {};
  const stages = new Set<string>();
  const bases: BaseImage[] = [];
  let seenFrom = false;
  for (const { text, line } of lines) {
    const [instr, ...rest] = text.split(/\s+/);
    const keyword = instr.toUpperCase();
    if (keyword === 'ARG' && !seenFrom) {
      for (const decl of rest) {
        const eq = decl.indexOf('=');
        const name = eq >= 0 ? decl.slice(0, eq) : decl;
        const dflt = eq >= 0 ? unquote(decl.slice(eq + 1)) : undefined;
        const value = buildArgs[name] ?? dflt;
        if (value !== undefined) globals[name] = value;
      }
    } else if (keyword === 'FROM') {
      seenFrom = true;
      const words = rest.filter((w) => !w.startsWith('--'));
      const ref = substitute(words[0] ?? '', globals);
      const asIdx = words.findIndex((w) => w.toUpperCase() === 'AS');
      if (ref && ref !== 'scratch' && !stages.has(ref.toLowerCase())) bases.push({ ref, line });
      if (asIdx >= 0 && words[asIdx + 1]) stages.add(words[asIdx + 1].toLowerCase());
    }
  }
  return bases;
}

/** The named stages before the last one ("FROM … AS <name>"): what a mode-max cache exports besides the image. */
export function earlierStages(dockerfile: string): string[] {
  const stages = logicalLines(dockerfile)
    .map((l) => l.text.split(/\s+/).filter((w) => !w.startsWith('--')))
    .filter((w) => w[0]?.toUpperCase() === 'FROM')
    .map((w) => {
      const asIdx = w.findIndex((x) => x.toUpperCase() === 'AS');
      return asIdx >= 0 ? w[asIdx + 1]?.toLowerCase() : undefined;
    });
  return stages.slice(0, -1).filter((n): n is string => !!n);
}

/**
 * The context paths the Dockerfile reads: sources of COPY/ADD and of RUN bind mounts (`--mount=type=bind,
 * source=…`; copies and mounts `--from` a stage or image, URLs and cache/secret mounts are not context).
 * 'all' when a source is the whole context or cannot be resolved (an unset $VAR), so callers fall back to
 * every context file.
 */
export function contextSources(dockerfile: string, buildArgs: Record<string, string>): string[] | 'all' {
  const vars: Record<string, string> = {};
  const sources: string[] = [];
  /** Adds one context source; false when it stands for the whole context. */
  const add = (src: string): boolean => {
    const resolved = substitute(src, vars);
    if (resolved.includes('$') || (src.includes('$') && resolved === '')) return false;
    const clean = resolved.replace(/^(\.?\/)+/, '').replace(/\/+$/, '');
    if (clean === '' || clean === '.') return false;
    sources.push(clean);
    return true;
  };
  for (const { text } of logicalLines(dockerfile)) {
    const [instr, ...rest] = text.split(/\s+/);
    const keyword = instr.toUpperCase();
    if (keyword === 'ARG') {
      for (const decl of rest) {
        const eq = decl.indexOf('=');
        const name = eq >= 0 ? decl.slice(0, eq) : decl;
        const value = buildArgs[name] ?? (eq >= 0 ? unquote(decl.slice(eq + 1)) : undefined);
        if (value !== undefined) vars[name] = value;
      }
    } else if (keyword === 'RUN') {
      for (const mount of runMounts(text)) {
        // A bind mount (the default type) without `from` reads the context, at its root unless `source` says.
        if ((mount.type ?? 'bind') !== 'bind' || mount.from !== undefined) continue;
        if (!add(mount.source ?? mount.src ?? '')) return 'all';
      }
    } else if (keyword === 'COPY' || keyword === 'ADD') {
      const body = text.slice(instr.length).trim();
      const words = body.startsWith('[') ? jsonWords(body) : body.split(/\s+/);
      if (!words) return 'all';
      const args = words.filter((w) => !w.startsWith('--'));
      if (words.some((w) => /^--from=/.test(w))) continue;
      for (const src of args.slice(0, -1)) {
        if (/^https?:\/\//.test(src) || src.startsWith('<<')) continue;
        if (!add(src)) return 'all';
      }
    }
  }
  return sources;
}

/** True when a RUN instruction has a `--mount=` flag (bind, cache, secret…): only BuildKit builds it. */
export function hasRunMounts(dockerfile: string): boolean {
  return logicalLines(dockerfile).some(
    ({ text }) => text.split(/\s+/)[0].toUpperCase() === 'RUN' && runMounts(text).length > 0,
  );
}

/** The options of each `--mount=` flag of a RUN line before its command, e.g. { type: 'bind', source: 'auth' }. */
function runMounts(run: string): Record<string, string>[] {
  const mounts: Record<string, string>[] = [];
  for (const word of run.split(/\s+/).slice(1)) {
    if (!word.startsWith('--')) break;
    if (!word.startsWith('--mount=')) continue;
    const opts: Record<string, string> = {};
    for (const kv of word.slice('--mount='.length).split(',')) {
      const eq = kv.indexOf('=');
      opts[(eq < 0 ? kv : kv.slice(0, eq)).toLowerCase()] = eq < 0 ? '' : unquote(kv.slice(eq + 1));
    }
    mounts.push(opts);
  }
  return mounts;
}

function jsonWords(body: string): string[] | undefined {
  try {
    const v = JSON.parse(body);
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined;
  } catch (err) {
    if (err instanceof SyntaxError) return undefined;
    throw err;
  }
}

function logicalLines(text: string): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  let buf = '';
  let start = 0;
  text.split(/\r?\n/).forEach((raw, i) => {
    const t = raw.trim();
    if (!buf && (t === '' || t.startsWith('#'))) return;
    if (!buf) start = i + 1;
    if (t.endsWith('\\')) {
      buf += `${t.slice(0, -1)} `;
      return;
    }
    out.push({ text: (buf + t).trim(), line: start });
    buf = '';
  });
  if (buf) out.push({ text: buf.trim(), line: start });
  return out;
}

function substitute(s: string, vars: Record<string, string>): string {
  return s.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (_m, a, dflt, b) => {
      const v = vars[a ?? b];
      return v !== undefined && v !== '' ? v : (dflt ?? '');
    },
  );
}

function unquote(s: string): string {
  return s.replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1');
}

import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** One Dockerfile instruction: `COPY --from=build /app/dist ./dist` → { op: 'COPY', flags: { from: 'build' }, args: [...] }. */
export interface Instruction {
  op: string;
  flags: Record<string, string>;
  /** The rest of the line (continuations joined), flags removed. */
  rest: string;
  /** JSON exec form (`CMD ["node", ...]`), when used. */
  exec?: string[];
}

export interface Stage {
  name: string;
  base: string;
  steps: Instruction[];
}

/** Reads a Dockerfile into stages (enough of the syntax for this project's file: no heredocs, no ARG expansion). */
export function parseDockerfile(text: string): Stage[] {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (!current && (line.trim() === '' || line.trim().startsWith('#'))) continue;
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    logical.push(`${current}${line}`.trim());
    current = '';
  }
  const stages: Stage[] = [];
  for (const l of logical) {
    const m = /^(\w+)\s+(.*)$/.exec(l);
    if (!m) throw new Error(`Dockerfile line not understood: ${l}`);
    const op = m[1].toUpperCase();
    let rest = m[2];
    const flags: Record<string, string> = {};
    // Flags of COPY, RUN and HEALTHCHECK come first (`--from=build`, `--mount=type=cache,...`, `--interval=15s`).
    for (let f = /^--([a-z-]+)=(\S+)\s+/.exec(rest); f; f = /^--([a-z-]+)=(\S+)\s+/.exec(rest)) {
      flags[f[1]] = f[2];
      rest = rest.slice(f[0].length);
    }
    const ins: Instruction = { op, flags, rest };
    const execPart = op === 'HEALTHCHECK' ? rest.replace(/^CMD\s+/, '') : rest;
    if (execPart.startsWith('[')) ins.exec = JSON.parse(execPart) as string[];
    if (op === 'FROM') {
      const f = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest);
      if (!f) throw new Error(`FROM not understood: ${rest}`);
      stages.push({ base: f[1], name: f[2] ?? String(stages.length), steps: [] });
    } else {
      if (!stages.length) throw new Error(`${op} before FROM`);
      stages[stages.length - 1].steps.push(ins);
    }
  }
  return stages;
}

/** `ENV A=1 B=2` → { A: '1', B: '2' }. */
export function envOf(rest: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of rest.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S+)/g)) out[m[1]] = m[2].replace(/^"|"$/g, '');
  return out;
}

/** Top-level patterns of .dockerignore (`node_modules`, `*.log`): what `COPY . .` leaves out of the build context. */
export function dockerignore(root: string): (rel: string) => boolean {
  const file = join(root, '.dockerignore');
  const patterns = existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#'))
    : [];
  const res = patterns.map((p) => new RegExp(`^${p.replace(/\/$/, '').replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}(/|$)`));
  return (rel) => res.some((r) => r.test(rel));
}

/**
 * `COPY src... dest` into a stage folder standing for the image's WORKDIR `/app`: from the build
 * context (the project, less .dockerignore) or, with `--from`, from another stage's folder.
 */
export function copyStep(ins: Instruction, context: string, stageDir: string, stageDirs: Record<string, string>): void {
  const parts = ins.exec ?? ins.rest.split(/\s+/);
  const dest = parts[parts.length - 1];
  const sources = parts.slice(0, -1);
  const ignored = dockerignore(context);
  const target = resolve(stageDir, dest.replace(/^\/app\/?/, ''));
  for (const src of sources) {
    const from = ins.flags.from ? resolve(stageDirs[ins.flags.from] ?? '/nonexistent', src.replace(/^\/app\/?/, '')) : resolve(context, src);
    if (!existsSync(from)) throw new Error(`COPY source missing: ${src}`);
    const intoDir = dest.endsWith('/') || dest === '.' || sources.length > 1;
    const to = intoDir && src !== '.' ? join(target, src.split('/').pop() as string) : target;
    mkdirSync(dirname(to), { recursive: true });
    cpSync(from, to, {
      recursive: true,
      filter: (p) => ins.flags.from !== undefined || !ignored(relative(context, p)),
    });
  }
}

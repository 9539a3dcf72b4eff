import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DefinitionError, parseCycleDefinition, validateDefinitionSet, type CycleDefinition, type DefinitionIssue } from '@ciclo/domain';

/**
 * Every cycle definition version found in a folder (`<id>.v<version>.yaml`), validated at load.
 * A bad file stops the load with the file, the path inside it and the reason; so does a link to a
 * cycle type that is not loaded, or links forming a cycle of dependency.
 */
export class DefinitionRegistry {
  private readonly byType = new Map<string, Map<number, CycleDefinition>>();

  constructor(definitions: CycleDefinition[]) {
    for (const d of definitions) {
      const versions = this.byType.get(d.id) ?? new Map<number, CycleDefinition>();
      if (versions.has(d.version)) throw new Error(`Duplicate definition ${d.id} v${d.version}`);
      versions.set(d.version, d);
      this.byType.set(d.id, versions);
    }
  }

  static fromDirectory(dir: string): DefinitionRegistry {
    const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
    const defs: CycleDefinition[] = [];
    const issues: DefinitionIssue[] = [];
    for (const f of files) {
      try {
        defs.push(parseCycleDefinition(readFileSync(join(dir, f), 'utf8'), f));
      } catch (err) {
        if (err instanceof DefinitionError) issues.push(...err.issues);
        else issues.push({ source: f, path: '', reason: (err as Error).message });
      }
    }
    // Links between types: targets exist, linked events exist, no cycle of dependency.
    if (issues.length === 0) issues.push(...validateDefinitionSet(defs));
    if (issues.length) {
      throw new Error(`Invalid cycle definitions in ${dir}:\n${issues.map((i) => `  ${i.source} ${i.path || '(document)'}: ${i.reason}`).join('\n')}`);
    }
    if (defs.length === 0) throw new Error(`No cycle definitions (*.yaml) in ${dir}`);
    return new DefinitionRegistry(defs);
  }

  types(): string[] {
    return [...this.byType.keys()].sort();
  }

  /** Latest version of each type. */
  latestAll(): CycleDefinition[] {
    return this.types().map((t) => this.latest(t) as CycleDefinition);
  }

  all(): CycleDefinition[] {
    return this.types().flatMap((t) => [...(this.byType.get(t) as Map<number, CycleDefinition>).values()].sort((a, b) => a.version - b.version));
  }

  latest(type: string): CycleDefinition | undefined {
    const versions = this.byType.get(type);
    if (!versions) return undefined;
    return versions.get(Math.max(...versions.keys()));
  }

  get(type: string, version: number): CycleDefinition | undefined {
    return this.byType.get(type)?.get(version);
  }
}

import { CYCLE_OPENED_EVENT } from './schema';
import type { CycleDefinition, DefinitionIssue, LinkDefinition, Period } from './types';

const show = (value: string): string => JSON.stringify(value);
const sourceOf = (d: CycleDefinition): string => `${d.id}.v${d.version}.yaml`;

/**
 * Checks that need every definition at once (docs/cycle-definitions.md, Links): each link names a
 * loaded cycle type; each `later_of` deadline names an event some version of the linked type
 * produces (or `CycleOpened`); the links between types form no cycle of dependency (a PIAO cannot
 * follow a Relazione that reports on it).
 */
export function validateDefinitionSet(defs: readonly CycleDefinition[]): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  const byType = new Map<string, CycleDefinition[]>();
  for (const d of defs) byType.set(d.id, [...(byType.get(d.id) ?? []), d]);
  const types = [...byType.keys()].sort();

  for (const d of defs) {
    const source = sourceOf(d);
    d.links.forEach((l, i) => {
      if (!byType.has(l.type)) {
        issues.push({ source, path: `links[${i}].type`, reason: `unknown cycle type ${show(l.type)} (types: ${types.join(', ')})` });
      }
    });
    d.deadlines.forEach((dl, i) => {
      const rule = dl.rule;
      if (rule.type !== 'later_of') return;
      const link = d.links.find((l) => l.id === rule.link);
      const targets = link ? byType.get(link.type) : undefined;
      if (!targets || rule.event === CYCLE_OPENED_EVENT) return;
      if (!targets.some((t) => t.transitions.some((tr) => tr.event === rule.event))) {
        issues.push({
          source,
          path: `deadlines[${i}].rule.event`,
          reason: `no transition of ${show(link?.type ?? '')} produces event ${show(rule.event)} (nor is it ${CYCLE_OPENED_EVENT})`,
        });
      }
    });
  }

  // Dependency cycles between types (every version's links count).
  const edges = new Map<string, Set<string>>();
  for (const d of defs) for (const l of d.links) if (byType.has(l.type)) edges.set(d.id, new Set([...(edges.get(d.id) ?? []), l.type]));
  const reported = new Set<string>();
  const visit = (type: string, path: string[]): void => {
    for (const next of [...(edges.get(type) ?? [])].sort()) {
      const at = path.indexOf(next);
      if (at >= 0) {
        const loop = [...path.slice(at), next];
        const key = [...loop.slice(0, -1)].sort().join(' ');
        if (reported.has(key)) continue;
        reported.add(key);
        const from = byType.get(type) ?? [];
        const d = from[from.length - 1];
        const i = d.links.findIndex((l) => l.type === next);
        issues.push({ source: sourceOf(d), path: `links[${i}].type`, reason: `cycle of dependency: ${loop.join(' -> ')}` });
      } else visit(next, [...path, next]);
    }
  };
  for (const t of types) visit(t, [t]);
  return issues;
}

/** The last year of a cycle's period: 2029 for a triennial 2027, 2031 for a mandate from 2027. */
export function periodLastYear(period: Period, year: number): number {
  if (period === 'triennial') return year + 2;
  if (period === 'mandate') return year + 4;
  return year;
}

/** Whether a cycle of the link's target type, of `targetYear` and `targetPeriod`, fits a cycle of `year`. */
export function linkFits(link: LinkDefinition, year: number, targetYear: number, targetPeriod: Period): boolean {
  if (link.year === 'same') return targetYear === year;
  return targetYear <= year && year <= periodLastYear(targetPeriod, targetYear);
}

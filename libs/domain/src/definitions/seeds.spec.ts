/* eslint-disable no-restricted-imports */
// Reads the shipped definitions (seeds/cycles/*.yaml): only tests may touch the file system.
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { CycleDefinition, mermaidDiagram, parseCycleDefinition } from './index';

const DIR = join(__dirname, '..', '..', '..', '..', 'seeds', 'cycles');
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const texts = new Map(files.map((f) => [f, readFileSync(join(DIR, f), 'utf8')]));
const defs = new Map<string, CycleDefinition>(
  files.map((f) => [f, parseCycleDefinition(texts.get(f) as string, f)]),
);
const all = [...defs.entries()];

/** Independent of the library's own graph helpers. */
function successors(def: CycleDefinition, stage: string): string[] {
  return def.transitions.filter((t) => t.from.includes(stage)).map((t) => t.to);
}
function reach(def: CycleDefinition, start: string): Set<string> {
  const seen = new Set([start]);
  const stack = [start];
  while (stack.length) {
    for (const next of successors(def, stack.pop() as string)) {
      if (!seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }
  return seen;
}

describe('shipped cycle definitions', () => {
  it('ship one file per cycle type of DOMAIN.md, and the OIV attestation (docs/transparency.md)', () => {
    expect(files).toEqual(
      [
        'attestazione_oiv',
        'bilancio_esercizio',
        'budget_direzionale',
        'monitoraggio_intermedio',
        'piao',
        'preventivo_economico',
        'programma_lavori_pubblici',
        'programma_mandato',
        'ptpct',
        'relazione_performance',
        'relazione_rpct',
        'rpp',
        'smvp',
      ].map((id) => `${id}.v1.yaml`),
    );
  });

  it.each(files)('%s parses, names its legal basis and cites its seed', (file) => {
    const def = defs.get(file) as CycleDefinition;
    expect(`${def.id}.v${def.version}.yaml`).toBe(file);
    expect(def.legalBasis.length).toBeGreaterThan(0);
    expect(texts.get(file)).toMatch(/^# seed 00\d, [A-Z]\.?\d/m);
  });

  it.each(all)('%s: every stage is reachable and every non-terminal stage can end', (_file, def) => {
    const fromInitial = reach(def, def.initialStage);
    for (const stage of def.stages) {
      expect({ stage: stage.id, reachable: fromInitial.has(stage.id) }).toEqual({
        stage: stage.id,
        reachable: true,
      });
      if (!stage.terminal) {
        const ends = [...reach(def, stage.id)].some((s) => def.stages.find((x) => x.id === s)?.terminal);
        expect({ stage: stage.id, canEnd: ends }).toEqual({ stage: stage.id, canEnd: true });
      }
    }
  });

  it.each(all)('%s: separation of duties and who acts', (_file, def) => {
    for (const t of def.transitions) {
      if (t.kind === 'deliberation') expect(t.roles).toEqual(['segreteria_organi']);
      if (t.kind === 'validation' || t.kind === 'refusal')
        expect([['oiv'], ['revisori']]).toContainEqual(t.roles);
      if (t.kind === 'publication') expect(t.roles).toEqual(['po', 'segreteria_organi']);
      if (t.kind === 'withdrawal') expect(t.rules.some((r) => r.type === 'only_same_actor_as')).toBe(true);
      if (
        t.kind === 'approval' &&
        t.roles.includes('segretario_generale') &&
        t.command !== 'assign_to_managers'
      ) {
        expect(t.rules.some((r) => r.type === 'not_same_actor_as')).toBe(true);
      }
      if (t.event === 'TransmittedToAnac') expect(t.roles).toEqual(['rpct']);
    }
  });

  it.each(all)('%s: a publication or transmission accepts only the channel or recipient its stage names', (_file, def) => {
    for (const t of def.transitions) {
      if (t.kind === 'transmission') expect({ command: t.command, accepts: Object.keys(t.accepts ?? {}) }).toEqual({ command: t.command, accepts: ['recipient'] });
      if (t.kind === 'publication') expect({ command: t.command, accepts: Object.keys(t.accepts ?? {}) }).toEqual({ command: t.command, accepts: ['channel'] });
    }
    const piao = defs.get('piao.v1.yaml') as CycleDefinition;
    expect(piao.transitions.find((t) => t.command === 'upload_to_portal')?.accepts).toEqual({ recipient: ['funzione_pubblica'] });
  });

  it('model the loops of DOMAIN.md', () => {
    const byId = new Map([...defs.values()].map((d) => [d.id, d]));
    const relazione = byId.get('relazione_performance') as CycleDefinition;
    expect(relazione.transitions.find((t) => t.kind === 'refusal')).toMatchObject({
      roles: ['oiv'],
      to: 'redazione',
    });
    const smvp = byId.get('smvp') as CycleDefinition;
    const opinion = smvp.transitions.find((t) => t.kind === 'validation');
    expect(opinion?.roles).toEqual(['oiv']);
    expect(smvp.transitions.find((t) => t.kind === 'deliberation')?.from).toEqual([opinion?.to]);
    const works = byId.get('programma_lavori_pubblici') as CycleDefinition;
    expect(works.transitions.map((t) => t.kind)).toEqual(
      expect.arrayContaining(['deliberation', 'publication', 'transmission']),
    );
    expect(works.deadlines.map((d) => d.rule)).toContainEqual({
      type: 'after_event',
      event: 'PublishedOnWebsite',
      days: 60,
    });
    expect(byId.get('relazione_rpct')?.deadlines[0].editablePerYear).toBe(true);
  });

  it.each(all)('%s: the mermaid diagram shows every transition', (_file, def) => {
    const diagram = mermaidDiagram(def);
    expect(diagram.startsWith('stateDiagram-v2\n')).toBe(true);
    expect(diagram).toContain(`[*] --> ${def.initialStage}\n`);
    for (const t of def.transitions) {
      for (const from of t.from) expect(diagram).toContain(`  ${from} --> ${t.to}: ${t.command}\n`);
    }
    for (const s of def.stages.filter((x) => x.terminal)) expect(diagram).toContain(`  ${s.id} --> [*]\n`);
  });
});

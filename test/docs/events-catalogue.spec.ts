// docs/events.md is generated from the shipped cycle definitions; this test keeps it in step.
// With UPDATE_DOCS=1 it rewrites the file instead of failing: `UPDATE_DOCS=1 npx jest test/docs`.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { eventCatalogue, parseCycleDefinition, PLAN_EVENT_CATALOGUE, PLAN_EVENT_TYPES, REGISTER_EVENT_TYPES, RESERVED_EVENTS } from '@ciclo/domain';

const ROOT = resolve(__dirname, '..', '..');
const DEFINITIONS = join(ROOT, 'seeds', 'cycles');
const DOC = join(ROOT, 'docs', 'events.md');

const files = readdirSync(DEFINITIONS)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();
const defs = files.map((f) => parseCycleDefinition(readFileSync(join(DEFINITIONS, f), 'utf8'), f));

describe('docs/events.md', () => {
  const rendered = eventCatalogue(defs);

  it('is up to date with seeds/cycles', () => {
    if (process.env.UPDATE_DOCS === '1') {
      writeFileSync(DOC, rendered);
      return;
    }
    const current = existsSync(DOC) ? readFileSync(DOC, 'utf8') : '';
    if (current !== rendered)
      throw new Error('docs/events.md is out of date: run `npx ciclo docs events` to regenerate');
  });

  it('lists every plan event once, with what writes it', () => {
    // The risk register's events are plan content too, documented in their own section (below).
    const planEvents = PLAN_EVENT_TYPES.filter((t) => !(REGISTER_EVENT_TYPES as readonly string[]).includes(t));
    expect(PLAN_EVENT_CATALOGUE.map((e) => e.type).sort()).toEqual([...planEvents].sort());
    for (const type of planEvents) expect(rendered).toMatch(new RegExp(`\\| \`${type}\` +\\|`));
  });

  it('does not depend on the order of the definitions', () => {
    expect(eventCatalogue([...defs].reverse())).toBe(rendered);
  });

  it('documents every engine event and every transition event with its producers', () => {
    for (const type of RESERVED_EVENTS.filter((e) => e !== 'DeadlineSet'))
      expect(rendered).toContain(`### \`${type}\``);
    for (const def of defs) {
      for (const t of def.transitions) {
        expect(rendered).toContain(`### \`${t.event}\``);
        const section = rendered.slice(rendered.indexOf(`### \`${t.event}\``)).split('\n### ')[0];
        expect(section).toMatch(new RegExp(`\\| \`${def.id}\` v${def.version} +\\| \`${t.command}\` +\\|`));
      }
    }
  });

  it('documents every event of the risk register', () => {
    for (const type of REGISTER_EVENT_TYPES) expect(rendered).toContain(`### \`${type}\``);
  });
});

// The process catalogue: adding entries and cards through the decider, the tree, search by code or text.
import { DomainRefusal } from '../cycle/errors';
import type { DomainEvent } from '../cycle/model';
import { actor, NOW } from '../cycle/testing';
import { catalogueTree, decideCatalogue, foldCatalogue, type CatalogueCommand, type CatalogueState } from './catalogue';

const st = actor('struttura_tecnica');

function run(commands: CatalogueCommand[]): CatalogueState {
  let state = foldCatalogue([]);
  for (const c of commands) {
    const events: DomainEvent[] = decideCatalogue(c, state, { actor: st, now: NOW });
    state = foldCatalogue(events.map((e, i) => ({ ...e, version: state.version + i + 1 })), state);
  }
  return state;
}

const add = (code: string, level: number, parentCode: string | null, title: string | null): CatalogueCommand => ({ type: 'add_process', entry: { code, level, parentCode, title } });

describe('process catalogue', () => {
  const state = run([
    add('A', 1, null, 'GOVERNO CAMERALE'),
    add('A1', 2, 'A', 'Pianificazione, monitoraggio e controllo dell’Ente'),
    add('A1.1', 3, 'A1', 'Performance camerale'),
    add('A1.1.1', 4, 'A1.1', 'Pianificazione e programmazione'),
    add('A1.1.1.3', 5, 'A1.1.1', 'Piano della Performance'),
    add('B', 1, null, 'PROCESSI DI SUPPORTO'),
    add('B1', 2, 'B', 'Risorse umane'),
    { type: 'attach_process_card', code: 'A1.1.1.3', card: { title: 'Piano della Performance', input: "Avvio d'ufficio", output: 'Deliberazione di approvazione del Piano', activities: ['Predisposizione del Piano'], responsibleRole: 'PO Settori', deadline: { text: 'entro il 31 gennaio', day: 31, month: 1 } } },
  ]);

  it('builds the tree from the entries', () => {
    const { tree, total } = catalogueTree(state);
    expect(total).toBe(7);
    expect(tree.map((n) => n.code)).toEqual(['A', 'B']);
    expect(tree[0].children[0].children[0].children[0].children[0]).toMatchObject({ code: 'A1.1.1.3', cards: [expect.objectContaining({ responsibleRole: 'PO Settori' })] });
  });

  it('finds by code prefix, keeping the ancestors', () => {
    const { tree, matches } = catalogueTree(state, { code: 'a1.1' });
    expect(matches).toEqual(['A1.1', 'A1.1.1', 'A1.1.1.3']);
    expect(tree.map((n) => n.code)).toEqual(['A']);
  });

  it('finds by words in titles and cards, ignoring case and accents', () => {
    expect(catalogueTree(state, { q: 'deliberazione piano' }).matches).toEqual(['A1.1.1.3']);
    expect(catalogueTree(state, { q: 'ENTE' }).matches).toEqual(['A1']);
    expect(catalogueTree(state, { q: 'nulla di simile' }).tree).toEqual([]);
  });

  it('refuses duplicates, unknown parents and other roles', () => {
    const refusal = (c: CatalogueCommand, by = st) => {
      try {
        decideCatalogue(c, state, { actor: by, now: NOW });
      } catch (e) {
        return (e as DomainRefusal).code;
      }
      return 'accepted';
    };
    expect(refusal(add('A1', 2, 'A', 'x'))).toBe('CATALOGUE_ENTRY_EXISTS');
    expect(refusal(add('C1', 2, 'C', 'x'))).toBe('CATALOGUE_PARENT_NOT_FOUND');
    expect(refusal(add('B2', 2, 'B', 'x'), actor('rilevatore'))).toBe('ROLE_NOT_ALLOWED');
    expect(refusal({ type: 'attach_process_card', code: 'Z9', card: { title: 'x' } })).toBe('CATALOGUE_ENTRY_NOT_FOUND');
  });
});

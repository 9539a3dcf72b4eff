/** The register page's words: every problem the register checks write has the console's Italian; the prevailing level matches the API's. */
import { suggestedRating, validateItem, validateMethod } from '@ciclo/domain';
import { registerProblemIt, suggestedLevel } from '../../apps/web/src/pages/rischi/labels';

const FALLBACK = /^Valore non ammesso/;

describe('risk register page: Italian for refused fields', () => {
  it('says every problem of a bad measure, risk and process in Italian, naming the codes', () => {
    const bad = [
      {
        kind: 'measure',
        code: 'M 1',
        measureKind: 'specifica',
        category: 'controllo',
        title: 'x',
        riskCodes: [],
        owner: 'x',
        phases: [{ title: 'fase' }, 'x'],
        indicator: 'i',
        target: 't',
      },
      {
        kind: 'measure',
        code: 'M1',
        measureKind: 'generale',
        category: 'controllo',
        title: 'x',
        riskCodes: ['R1', 'R1', ''],
        owner: { office: 'o', dirigente: 'd' },
        indicator: 'i',
        target: 't',
      },
      { kind: 'risk', code: 'R1', processCode: 'P 1', description: 'd', factors: ['ok', ''] },
    ];
    const problems = bad.flatMap((item) => validateItem(item).problems);
    expect(problems.length).toBeGreaterThanOrEqual(7);
    const said = problems.map((p) => [p.field, registerProblemIt(p.field, p.problem)]);
    expect(said.filter(([, it]) => FALLBACK.test(it) || /[a-z] (must|is|a specific)\b/.test(it))).toEqual([]);
    expect(said).toEqual(
      expect.arrayContaining([
        ['code', 'Codice non valido: lettere, cifre e _ . - (fino a 40 caratteri)'],
        ['riskCodes', 'Una misura specifica deve trattare almeno un evento rischioso'],
        ['owner', 'Indicare ufficio e dirigente responsabili'],
        ['phases[0].deadline', 'È obbligatorio'],
        ['phases[1]', 'Indicare titolo e scadenza della fase'],
        ['factors', 'Ogni riga deve contenere da 1 a 500 caratteri'],
      ]),
    );
    expect(registerProblemIt('riskCodes.R9', 'no risk R9 in the register')).toBe(
      'Evento rischioso R9 non presente nel registro',
    );
  });

  it('says every problem of a bad rating method in Italian, naming the repeated key or level', () => {
    const bad = [
      { indicators: [], levels: ['basso'] },
      {
        indicators: [
          { key: 'Interesse', title: 'Interesse esterno' },
          { key: 'opacita', title: ' ' },
          { key: 'opacita', title: 'Opacità' },
          { key: 'opacita', title: 'Opacità bis' },
        ],
        levels: ['basso', 'Molto Alto', 'basso'],
        extra: true,
      },
      'metodo',
    ];
    const problems = bad.flatMap((m) => validateMethod(m).problems);
    expect(problems.length).toBeGreaterThanOrEqual(8);
    const said = problems.map((p) => [p.field, registerProblemIt(p.field, p.problem)]);
    expect(said.filter(([, it]) => FALLBACK.test(it) || /[a-z] (must|is|a specific)\b/.test(it))).toEqual([]);
    expect(said).toEqual(
      expect.arrayContaining([
        ['method.indicators', 'Indicare da 1 a 12 indicatori, ciascuno con chiave e titolo'],
        ['method.levels', 'Indicare da 2 a 7 livelli, dal più basso'],
        [
          'method.indicators[0]',
          'Indicare la chiave (una lettera minuscola, poi lettere minuscole, cifre e _; fino a 40 caratteri) e il titolo (fino a 300 caratteri)',
        ],
        ['method.indicators[3].key', '«opacita» è indicato due volte'],
        [
          'method.levels[1]',
          'Usare una lettera minuscola, poi lettere minuscole, cifre e _ (ad esempio medio; fino a 40 caratteri)',
        ],
        ['method.levels[2]', '«basso» è indicato due volte'],
        ['method.extra', 'Campo non previsto dal metodo di valutazione'],
        ['method', 'Indicare gli indicatori (chiave e titolo) e i livelli del metodo'],
      ]),
    );
  });

  it("prefers the API's Italian to the generic, and names the field when neither says more", () => {
    expect(registerProblemIt('title', 'is required', 'è obbligatorio')).toBe('È obbligatorio');
    expect(registerProblemIt('x', 'something new', 'valore non valido (something new)')).toBe(
      'Valore non ammesso per x',
    );
  });

  it('shows the prevailing level of the indicators as the API suggests it (a tie goes to the higher)', () => {
    const levels = ['basso', 'medio', 'alto'];
    const cases = [
      ['basso', 'basso', 'alto'],
      ['basso', 'alto'],
      ['medio', 'alto', 'alto', 'basso', 'medio'],
      ['medio'],
    ];
    for (const rated of cases)
      expect([rated, suggestedLevel(levels, rated)]).toEqual([rated, suggestedRating(levels, rated)]);
    expect(suggestedLevel(levels, [])).toBeNull();
  });
});

export { peopleCsv, csvText, guardFormula, unguardFormula, italianNumber, type CsvCell } from './csv';

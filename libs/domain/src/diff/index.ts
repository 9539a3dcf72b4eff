export { jsonDiff, type JsonChange } from './json-diff';

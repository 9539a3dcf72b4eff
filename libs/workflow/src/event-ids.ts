export { eventIdsFor } from '@ciclo/commands';

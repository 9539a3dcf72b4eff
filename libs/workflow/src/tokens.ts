export const DEFINITIONS = Symbol('DEFINITIONS');

export { ROLES, isRole, type Role, type Actor } from './actor';
export { signDevToken, verifyDevToken, InvalidToken, DEV_ISSUER, DEV_AUDIENCE } from './dev-tokens';

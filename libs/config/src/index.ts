export {
  loadSettings,
  settingsSchema,
  SettingsError,
  devAuthSecret,
  publicUrl,
  oidcRedirectUri,
  oidcPostLogoutRedirectUri,
  trustProxy,
  OIDC_ALGORITHMS_ALLOWED,
  type Settings,
} from './settings';
